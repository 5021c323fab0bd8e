// Package umbracotest is a fake Umbraco site for tests: an in-process
// loopback server that speaks the Umbraco Management API (version 17 or 18,
// see [WithVersion]) and its back-office token endpoint, so code built with
// umbraco.Connect runs unchanged in go test, without Node or the network:
//
//	srv := umbracotest.New(t, umbracotest.WithVersion(17))
//	conn, err := umbraco.Connect(srv.URL(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
//	// ... document.New(conn).GetDocumentById(ctx, id) ... (umbraco/v17/document)
//
// Every request the server receives is validated against the Management
// API's document (the same fixed document the clients are generated from):
// a request that does not match fails the test with the operation, the
// member and the reason, and is answered 400 with a problem details body; a
// request without a token the server issued is answered 401. A valid
// request is answered, in this order, by a [Fault] queued with
// [Server.Fail], a typed handler ([Handle]), a recorded response
// ([WithRecorded], [WithHAR]), or a value synthesized from the operation's
// response schema. Answers are validated too: a handler that returns a value the
// document does not allow fails the test.
//
// The first server of a version in a test binary loads its document (about
// a second); later ones reuse it.
package umbracotest

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/testkit"
	"github.com/mgmtapi/mgmtapi/internal/testkit/specdata"
	"github.com/mgmtapi/mgmtapi/option"
)

// The Management API documents, loaded once per test binary on first use.
var (
	spec17 = testkit.NewSpec("umbraco17", specdata.Umbraco17)
	spec18 = testkit.NewSpec("umbraco18", specdata.Umbraco18)
)

// tokenPath is the back-office token endpoint.
const tokenPath = "/umbraco/management/api/v1/security/back-office/token"

// Server is a running fake site. Its methods are safe for concurrent use.
type Server struct{ k *testkit.Server }

// Request is a request the server received: what a typed handler gets and
// what [Server.Requests] returns (method, path, operation, path parameters,
// query, header and body).
type Request = testkit.Request

// Fault is an error answer an operation gives instead of its normal one
// (status, Retry-After wait, message, and how many times); see [Server.Fail].
type Fault = testkit.Fault

// Option configures [New].
type Option func(*config)

type config struct {
	kit     testkit.Config
	version int
}

// WithVersion chooses the Management API version the server speaks: 17
// (LTS, umbraco/v17/...) or 18 (umbraco/v18/..., the default).
func WithVersion(v int) Option { return func(c *config) { c.version = v } }

// WithRecorded answers each operation that has a file "<operationId>.json"
// in dir (e.g. "GetDocumentById.json") with that file as the JSON body and
// the operation's first declared success status. Files are read per
// request; a typed handler comes first.
func WithRecorded(dir string) Option { return func(c *config) { c.kit.Recorded = dir } }

// WithHAR answers each operation with the response of the first exchange
// of the HAR 1.2 file at path (a browser's or a proxy's recording) whose
// request routes to it, wherever it was recorded: an entry for
// "https://example.com/umbraco/management/api/v1/server/status" serves the operation of that path
// (status, headers and body as recorded; connection headers and cookies
// dropped). A typed handler, the stores and WithRecorded come first; an
// unreadable file, or one with no entry for any operation, fails the test.
func WithHAR(path string) Option { return func(c *config) { c.kit.HAR = path } }

// New starts a fake site on a loopback port; t.Cleanup closes it. A version
// other than 17 or 18 fails the test.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := config{version: 18}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	var spec *testkit.Spec
	switch cfg.version {
	case 17:
		spec = spec17
	case 18:
		spec = spec18
	default:
		t.Fatalf("umbracotest: WithVersion(%d): the kit speaks Umbraco 17 and 18", cfg.version)
	}
	return &Server{testkit.New(t, testkit.Vendor{
		Name:           "umbracotest",
		TokenPath:      tokenPath,
		ClientIDPrefix: "umbraco-back-office-",
		APIs:           []testkit.API{{Spec: spec}},
		Error: func(_ string, status int, msg string) (string, []byte) {
			b, _ := json.Marshal(map[string]any{
				"type": "Error", "title": http.StatusText(status), "status": status, "detail": msg,
			})
			return "application/json", b
		},
	}, cfg.kit)}
}

// URL is the site's root URL, "http://127.0.0.1:<port>", the first
// argument of umbraco.Connect.
func (s *Server) URL() string { return s.k.URL() }

// ClientID is the client id the token endpoint accepts (it starts with
// "umbraco-back-office-", as Umbraco's API users' do).
func (s *Server) ClientID() string { return s.k.ClientID() }

// ClientSecret is the client secret the token endpoint accepts.
func (s *Server) ClientSecret() string { return s.k.ClientSecret() }

// Options are the options umbraco.Connect needs for this server (the token
// URL; the base URL is the site URL itself).
func (s *Server) Options() []option.Option {
	return []option.Option{option.WithBaseURL(s.URL()), option.WithTokenURL(s.k.TokenURL())}
}

// Requests returns a copy of every API request received so far, in order
// (token requests are not included). Decode a body with [Decode].
func (s *Server) Requests() []*Request { return s.k.Requests() }

// TokensIssued is how many access tokens the token endpoint has issued.
func (s *Server) TokensIssued() int { return s.k.TokensIssued() }

// Fail makes the operation op ("METHOD /template", e.g. "GET
// /umbraco/management/api/v1/document/{id}", or an operationId, e.g.
// "GetDocumentById") answer f instead: a 4xx or 5xx with a problem details
// body; 429 with Retry-After; 401 also revokes the token the request
// carried, so the client must fetch a new one. An unknown operation fails
// the test.
func (s *Server) Fail(op string, f Fault) { s.k.Fail(op, f) }

// Handle makes fn answer the operation op ("METHOD /template" or an
// operationId); an unknown operation fails the test. Resp is typically the
// generated response type, sent as JSON with the operation's first success
// status (see Request.SetStatus); return [Error] to answer with a problem
// details body.
func Handle[Resp any](s *Server, op string, fn func(*Request) (Resp, error)) {
	testkit.Handle(s.k, op, fn)
}

// Decode decodes the JSON body of a request (one a handler got, or one
// [Server.Requests] returned) into a T, e.g. the generated request body type.
func Decode[T any](r *Request) (T, error) { return testkit.Decode[T](r) }

// Error is an error a typed handler returns to answer with status (4xx or
// 5xx) and a problem details body carrying message.
func Error(status int, message string) error {
	return &testkit.StatusError{Status: status, Message: message}
}
