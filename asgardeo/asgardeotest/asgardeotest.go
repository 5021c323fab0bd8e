// Package asgardeotest is a fake Asgardeo organisation for tests: an
// in-process loopback server that speaks every SCIM 2.0 API (Users, Groups,
// Roles, Bulk, Me, Schemas, ResourceTypes, ServiceProviderConfig) and the
// Application Management API under one organisation root /t/<org>, with
// its token endpoint /t/<org>/oauth2/token, so code built with
// asgardeo.Connect runs unchanged in go test, without Node or the network:
//
//	srv := asgardeotest.New(t)
//	conn, err := asgardeo.Connect(srv.Org(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
//	// ... users.New(conn).GetUser(ctx, id, nil) ... (asgardeo/users)
//
// Every request the server receives is validated against its API's document
// (the same fixed documents the clients are generated from): a request that
// does not match fails the test with the operation, the member and the
// reason, and is answered 400 with the API's error body; a request without
// a token the server issued is answered 401. A valid request is answered, in
// this order, by a [Fault] queued with [Server.Fail], a typed handler
// ([Handle]), the built-in SCIM store of Users and Groups (unless
// [WithoutStores]), a recorded response ([WithRecorded], [WithHAR]), or a value
// synthesized from the operation's response schema. Answers are validated
// too: a handler that returns a value the document does not allow fails the
// test.
//
// The first server of a test binary loads the documents (a fraction of a
// second); later ones reuse them.
package asgardeotest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/testkit"
	"github.com/mgmtapi/mgmtapi/internal/testkit/specdata"
	"github.com/mgmtapi/mgmtapi/internal/testkit/store"
	"github.com/mgmtapi/mgmtapi/option"
)

// The documents of the organisation's APIs, each loaded once per test
// binary on first use.
var (
	specUsers         = testkit.NewSpec("scimusers", specdata.Scimusers)
	specGroups        = testkit.NewSpec("scimgroups", specdata.Scimgroups)
	specRoles         = testkit.NewSpec("scimroles", specdata.Scimroles)
	specBulk          = testkit.NewSpec("scimbulk", specdata.Scimbulk)
	specMe            = testkit.NewSpec("scimme", specdata.Scimme)
	specSchemas       = testkit.NewSpec("scimschemas", specdata.Scimschemas)
	specResourceTypes = testkit.NewSpec("scimresourcetypes", specdata.Scimresourcetypes)
	specSPConfig      = testkit.NewSpec("scimspconfig", specdata.Scimspconfig)
	specApplications  = testkit.NewSpec("applications", specdata.Applications)
)

// DefaultOrg is the organisation name of a server made without [WithOrg].
const DefaultOrg = "kit"

// Server is a running fake organisation. Its methods are safe for
// concurrent use.
type Server struct {
	k   *testkit.Server
	org string
}

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
	kit testkit.Config
	org string
}

// WithOrg names the organisation (default [DefaultOrg]); every path is
// under /t/<org>.
func WithOrg(org string) Option { return func(c *config) { c.org = org } }

// WithoutStores turns off the built-in SCIM store of Users and Groups, so
// that those operations too are answered by handlers, recorded responses or
// synthesized values.
func WithoutStores() Option { return func(c *config) { c.kit.NoStores = true } }

// WithRecorded answers each operation that has a file "<operationId>.json"
// in dir (e.g. "getUser.json") with that file as the JSON body and the
// operation's first declared success status. Files are read per request; a
// typed handler and the store come first.
func WithRecorded(dir string) Option { return func(c *config) { c.kit.Recorded = dir } }

// WithHAR answers each operation with the response of the first exchange
// of the HAR 1.2 file at path (a browser's or a proxy's recording) whose
// request routes to it, wherever it was recorded: an entry for
// "https://api.asgardeo.io/t/myorg/scim2/Users/abc" serves the operation of that path
// (status, headers and body as recorded; connection headers and cookies
// dropped). A typed handler, the stores and WithRecorded come first; an
// unreadable file, or one with no entry for any operation, fails the test.
func WithHAR(path string) Option { return func(c *config) { c.kit.HAR = path } }

// New starts a fake organisation on a loopback port; t.Cleanup closes it.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := config{org: DefaultOrg}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.org == "" || strings.ContainsAny(cfg.org, "/?#%") {
		t.Fatalf("asgardeotest: WithOrg(%q): give an organisation name, one path segment", cfg.org)
	}
	root := "/t/" + url.PathEscape(cfg.org)
	scim := store.NewSCIM() // Users and Groups share one store: groups list their users
	keep := func() store.Store { return scim }
	apis := []testkit.API{
		{Spec: specUsers, Base: root + "/scim2", Store: keep},
		{Spec: specGroups, Base: root + "/scim2", Store: keep},
		{Spec: specRoles, Base: root + "/scim2/v2"},
		{Spec: specBulk, Base: root + "/scim2"},
		{Spec: specMe, Base: root + "/scim2"},
		{Spec: specSchemas, Base: root + "/scim2"},
		{Spec: specResourceTypes, Base: root + "/scim2"},
		{Spec: specSPConfig, Base: root + "/scim2"},
		{Spec: specApplications, Base: root + "/api/server/v1"},
	}
	return &Server{k: testkit.New(t, testkit.Vendor{
		Name:      "asgardeotest",
		TokenPath: root + "/oauth2/token",
		APIs:      apis,
		Error: func(path string, status int, msg string) (string, []byte) {
			if strings.HasPrefix(path, root+"/api/server/v1") {
				b, _ := json.Marshal(map[string]any{
					"code": "APP-" + strconv.Itoa(60000+status), "message": http.StatusText(status),
					"description": msg, "traceId": "00000000-0000-4000-8000-000000000000",
				})
				return "application/json", b
			}
			b, _ := json.Marshal(map[string]any{
				"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"},
				"status":  strconv.Itoa(status), "detail": msg,
			})
			return "application/scim+json", b
		},
	}, cfg.kit), org: cfg.org}
}

// Org is the organisation name, the first argument of asgardeo.Connect.
func (s *Server) Org() string { return s.org }

// URL is the organisation root, "http://127.0.0.1:<port>/t/<org>" (SCIM at
// /scim2, applications at /api/server/v1).
func (s *Server) URL() string { return s.k.URL() + "/t/" + url.PathEscape(s.org) }

// ClientID is the client id the token endpoint accepts.
func (s *Server) ClientID() string { return s.k.ClientID() }

// ClientSecret is the client secret the token endpoint accepts.
func (s *Server) ClientSecret() string { return s.k.ClientSecret() }

// Options are the options asgardeo.Connect needs to reach this server
// instead of https://api.asgardeo.io: the organisation root and the token
// URL.
func (s *Server) Options() []option.Option {
	return []option.Option{option.WithBaseURL(s.URL()), option.WithTokenURL(s.k.TokenURL())}
}

// Requests returns a copy of every API request received so far, in order
// (token requests are not included). Decode a body with [Decode].
func (s *Server) Requests() []*Request { return s.k.Requests() }

// TokensIssued is how many access tokens the token endpoint has issued.
func (s *Server) TokensIssued() int { return s.k.TokensIssued() }

// Fail makes the operation op ("METHOD /template" with the path below the
// API's base, e.g. "GET /Users/{id}" or "GET /applications", or an
// operationId) answer f instead: a 4xx or 5xx with the API's error body
// (SCIM or Application Management); 429 with Retry-After; 401 also revokes
// the token the request carried, so the client must fetch a new one. An
// unknown or ambiguous operation fails the test.
func (s *Server) Fail(op string, f Fault) { s.k.Fail(op, f) }

// Handle makes fn answer the operation op ("METHOD /template" below the
// API's base or an operationId); an unknown or ambiguous operation fails the
// test. Resp is typically the generated response type, sent as JSON with the
// operation's first success status (see Request.SetStatus); return [Error]
// to answer with the API's error body.
func Handle[Resp any](s *Server, op string, fn func(*Request) (Resp, error)) {
	testkit.Handle(s.k, op, fn)
}

// Decode decodes the JSON body of a request (one a handler got, or one
// [Server.Requests] returned) into a T, e.g. the generated request body type.
func Decode[T any](r *Request) (T, error) { return testkit.Decode[T](r) }

// Error is an error a typed handler returns to answer with status (4xx or
// 5xx) and the API's error body carrying message.
func Error(status int, message string) error {
	return &testkit.StatusError{Status: status, Message: message}
}
