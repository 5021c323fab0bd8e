// Package option holds the knobs of every vendor's connection
// (auth0.Connect, umbraco.Connect, asgardeo.Connect): the HTTP client, the
// logger, the retry policy, a shared token source, the base and token URLs
// of a self-hosted server or a local mock. OpenTelemetry is package
// otelmgmt's option (otelmgmt.Enable), off unless given.
package option

import (
	"log/slog"
	"net/http"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
	"github.com/mgmtapi/mgmtapi/retry"
)

// An Option changes how a vendor's Connect builds its connection.
type Option func(*frontdoor.Settings)

// WithHTTPClient sets the client whose Transport sends requests (token and
// API requests alike) and whose Timeout bounds each call. Auth and retries
// are layered on top of its Transport; the client itself is not modified.
// Its CheckRedirect, if set, replaces auth.CheckRedirect (which refuses
// redirects to another origin); the token is still sent only to the API's
// origin.
func WithHTTPClient(c *http.Client) Option { return func(s *frontdoor.Settings) { s.HTTPClient = c } }

// WithLogger sends the retry and token-refresh records of the connection to
// l. Records never hold secrets, tokens, headers or bodies.
func WithLogger(l *slog.Logger) Option { return func(s *frontdoor.Settings) { s.Logger = l } }

// WithRetry sets the retry policy (a copy of t is used; its Base is replaced
// by the authenticated transport). The default is the zero retry.Transport.
func WithRetry(t retry.Transport) Option {
	return func(s *frontdoor.Settings) { s.Retry = &t; s.NoRetry = false }
}

// WithoutRetry sends every request once.
func WithoutRetry() Option { return func(s *frontdoor.Settings) { s.NoRetry = true } }

// WithSource uses an existing token Source (a cache shared by several
// connections of the same credentials, or one built with
// auth.FromTokenSource) instead of building one from the credentials; Close
// then leaves it open.
func WithSource(src *auth.Source) Option { return func(s *frontdoor.Settings) { s.Source = src } }

// WithBaseURL replaces the vendor's base URL, e.g. for a self-hosted WSO2
// Identity Server (its organisation root, https://host/t/<org>) or a local
// mock. It must be https unless the host is loopback.
func WithBaseURL(u string) Option { return func(s *frontdoor.Settings) { s.BaseURL = u } }

// WithTokenURL replaces the vendor's token endpoint, e.g. for a self-hosted
// identity server or a local test server.
func WithTokenURL(u string) Option { return func(s *frontdoor.Settings) { s.TokenURL = u } }

// WithScopes sets the scopes requested with each token, replacing the
// vendor's default (for Asgardeo: the scopes of every API it has).
func WithScopes(scopes ...string) Option {
	return func(s *frontdoor.Settings) { s.Scopes = append([]string(nil), scopes...) }
}

// WithAuthOptions passes options on to auth.New (timeouts, refresh window).
func WithAuthOptions(opts ...auth.Option) Option {
	return func(s *frontdoor.Settings) { s.AuthOpts = append(s.AuthOpts, opts...) }
}
