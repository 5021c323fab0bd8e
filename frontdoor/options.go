package frontdoor

import (
	"log/slog"
	"net/http"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/retry"
)

// An Option changes how a front door's New builds its client.
type Option func(*options)

type options struct {
	httpClient *http.Client
	logger     *slog.Logger
	retry      *retry.Transport
	noRetry    bool
	source     *auth.Source
	baseURL    string
	tokenURL   string
	scopes     []string
	authOpts   []auth.Option
}

// WithHTTPClient sets the client whose Transport sends requests (token and
// API requests alike) and whose Timeout bounds each call. Auth and retries
// are layered on top of its Transport; the client itself is not modified.
// Its CheckRedirect, if set, replaces auth.CheckRedirect (which refuses
// redirects to another origin); the token is still sent only to the API's
// origin.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithLogger sends the retry and token-refresh records of the client to l.
// Records never hold secrets, tokens, headers or bodies.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithRetry sets the retry policy (a copy of t is used; its Base is replaced
// by the authenticated transport). The default is the zero retry.Transport.
func WithRetry(t retry.Transport) Option { return func(o *options) { o.retry = &t; o.noRetry = false } }

// WithoutRetry sends every request once.
func WithoutRetry() Option { return func(o *options) { o.noRetry = true } }

// WithSource uses an existing token Source (a cache shared by several
// clients of the same credentials, or one built with auth.FromTokenSource)
// instead of building one from the credentials; Close then leaves it open.
func WithSource(s *auth.Source) Option { return func(o *options) { o.source = s } }

// WithBaseURL replaces the API's base URL, e.g. for a self-hosted WSO2
// Identity Server or a local mock. It must be https unless the host is
// loopback.
func WithBaseURL(u string) Option { return func(o *options) { o.baseURL = u } }

// WithTokenURL replaces the token endpoint of the vendor preset, e.g. for a
// self-hosted identity server or a local test server.
func WithTokenURL(u string) Option { return func(o *options) { o.tokenURL = u } }

// WithScopes sets the scopes requested with each token (Asgardeo needs them,
// e.g. "internal_user_mgt_list").
func WithScopes(scopes ...string) Option {
	return func(o *options) { o.scopes = append([]string(nil), scopes...) }
}

// WithAuthOptions passes options on to auth.New (timeouts, refresh window).
func WithAuthOptions(opts ...auth.Option) Option {
	return func(o *options) { o.authOpts = append(o.authOpts, opts...) }
}
