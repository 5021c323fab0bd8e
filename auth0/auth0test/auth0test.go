// Package auth0test is a fake Auth0 tenant for tests: an in-process
// loopback server that speaks the Management API v2 and its token endpoint,
// so code built with auth0.Connect runs unchanged in go test, without Node
// or the network:
//
//	srv := auth0test.New(t)
//	conn, err := auth0.Connect(srv.Domain(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
//	// ... users.New(conn).GetUsersById(ctx, "auth0|1", nil) ...
//
// Every request the server receives is validated against the Management
// API's document (the same fixed document the clients are generated from):
// a request that does not match fails the test with the operation, the
// member and the reason, and is answered 400; a request without a token the
// server issued is answered 401. A valid request is answered, in this order,
// by a [Fault] queued with [Server.Fail], a typed handler ([Handle]), the
// built-in store of users and clients (unless [WithoutStores]), a recorded
// response ([WithRecorded], [WithHAR]), or a value synthesized from the operation's
// response schema. Answers are validated too: a handler that returns a value
// the document does not allow fails the test.
//
// The first server of a test binary loads the API's document (about a
// second); later ones reuse it.
package auth0test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/testkit"
	"github.com/mgmtapi/mgmtapi/internal/testkit/specdata"
	"github.com/mgmtapi/mgmtapi/internal/testkit/store"
	"github.com/mgmtapi/mgmtapi/option"
)

// spec is the Management API's validation document, loaded once per test
// binary on first use.
var spec = testkit.NewSpec("auth0", specdata.Auth0)

// tokenPath is Auth0's token endpoint.
const tokenPath = "/oauth/token"

// Server is a running fake tenant. Its methods are safe for concurrent use.
type Server struct{ k *testkit.Server }

// Request is a request the server received: what a typed handler gets and
// what [Server.Requests] returns (method, path, operation, path parameters,
// query, header and body).
type Request = testkit.Request

// Fault is an error answer an operation gives instead of its normal one
// (status, Retry-After wait, message, and how many times); see [Server.Fail].
type Fault = testkit.Fault

// Option configures [New].
type Option func(*testkit.Config)

// WithoutStores turns off the built-in store of users and clients, so that
// those operations too are answered by handlers, recorded responses or
// synthesized values.
func WithoutStores() Option { return func(c *testkit.Config) { c.NoStores = true } }

// WithRecorded answers each operation that has a file "<operationId>.json"
// in dir (e.g. "get_users_by_id.json") with that file as the JSON body and
// the operation's first declared success status. Files are read per
// request; a typed handler and the stores come first.
func WithRecorded(dir string) Option { return func(c *testkit.Config) { c.Recorded = dir } }

// WithHAR answers each operation with the response of the first exchange
// of the HAR 1.2 file at path (a browser's or a proxy's recording) whose
// request routes to it, wherever it was recorded: an entry for
// "https://tenant.eu.auth0.com/api/v2/users/auth0|1" serves the operation of that path
// (status, headers and body as recorded; connection headers and cookies
// dropped). A typed handler, the stores and WithRecorded come first; an
// unreadable file, or one with no entry for any operation, fails the test.
func WithHAR(path string) Option { return func(c *testkit.Config) { c.HAR = path } }

// New starts a fake tenant on a loopback port; t.Cleanup closes it.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var cfg testkit.Config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return &Server{testkit.New(t, vendor(), cfg)}
}

func vendor() testkit.Vendor {
	return testkit.Vendor{
		Name:      "auth0test",
		TokenPath: tokenPath,
		APIs:      []testkit.API{{Spec: spec, Base: "/api/v2", Store: func() store.Store { return store.NewAuth0() }}},
		Error: func(_ string, status int, msg string) (string, []byte) {
			b, _ := json.Marshal(map[string]any{
				"statusCode": status, "error": http.StatusText(status), "message": msg,
				"errorCode": errorCode(status),
			})
			return "application/json; charset=utf-8", b
		},
		RateLimited: func(h http.Header, reset time.Time) {
			h.Set("X-RateLimit-Limit", "50")
			h.Set("X-RateLimit-Remaining", "0")
			h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		},
	}
}

func errorCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "too_many_requests"
	case http.StatusUnauthorized:
		return "invalid_token"
	case http.StatusNotFound:
		return "inexistent_resource"
	case http.StatusConflict:
		return "conflict"
	}
	if status >= 500 {
		return "server_error"
	}
	return "invalid_body"
}

// Domain is the tenant's domain, "127.0.0.1:<port>", the first argument of
// auth0.Connect.
func (s *Server) Domain() string { return s.k.Host() }

// URL is the API's base URL, "http://127.0.0.1:<port>/api/v2".
func (s *Server) URL() string { return s.k.URL() + "/api/v2" }

// ClientID is the client id the token endpoint accepts.
func (s *Server) ClientID() string { return s.k.ClientID() }

// ClientSecret is the client secret the token endpoint accepts.
func (s *Server) ClientSecret() string { return s.k.ClientSecret() }

// Options are the options auth0.Connect needs to reach this server
// instead of https://<domain>: the API's base URL and the token URL.
func (s *Server) Options() []option.Option {
	return []option.Option{option.WithBaseURL(s.URL()), option.WithTokenURL(s.k.TokenURL())}
}

// Requests returns a copy of every API request received so far, in order
// (token requests are not included). Decode a body with [Decode].
func (s *Server) Requests() []*Request { return s.k.Requests() }

// TokensIssued is how many access tokens the token endpoint has issued.
func (s *Server) TokensIssued() int { return s.k.TokensIssued() }

// Fail makes the operation op ("METHOD /template" with the path below
// /api/v2, e.g. "GET /users/{id}", or an operationId, e.g. "get_users_by_id")
// answer f instead: a 4xx or 5xx with Auth0's error body; 429 with
// Retry-After and X-RateLimit-*; 401 also revokes the token the request
// carried, so the client must fetch a new one. An unknown operation fails
// the test.
func (s *Server) Fail(op string, f Fault) { s.k.Fail(op, f) }

// Handle makes fn answer the operation op ("METHOD /template" below /api/v2
// or an operationId); an unknown operation fails the test. Resp is
// typically the generated response type (e.g. model.UserResponseSchema),
// sent as JSON with the operation's first success status (see
// Request.SetStatus); return [Error] to answer with Auth0's error body.
func Handle[Resp any](s *Server, op string, fn func(*Request) (Resp, error)) {
	testkit.Handle(s.k, op, fn)
}

// Decode decodes the JSON body of a request (one a handler got, or one
// [Server.Requests] returned) into a T, e.g. the generated request body type.
func Decode[T any](r *Request) (T, error) { return testkit.Decode[T](r) }

// Error is an error a typed handler returns to answer with status (4xx or
// 5xx) and Auth0's error body carrying message.
func Error(status int, message string) error {
	return &testkit.StatusError{Status: status, Message: message}
}
