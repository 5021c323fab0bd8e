// Package option holds the knobs of every vendor's connection
// (auth0.Connect, umbraco.Connect, asgardeo.Connect): the HTTP client, the
// logger, the retry policy, a shared token source, the base and token URLs
// of a self-hosted server or a local mock, and OpenTelemetry (spans and the
// duration metric of every call; on by default with the global providers).
package option

import (
	"log/slog"
	"net/http"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
	"github.com/mgmtapi/mgmtapi/retry"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
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

// WithTracerProvider makes each front-door call one client span of a tracer
// from tp (HTTP semantic conventions: named "{method} {url.template}", with
// the status, error.type and http.request.resend_count, and the
// mgmtapi.operation.id and mgmtapi.api attributes); retry pauses, rate-limit
// waits and token fetches are events on it. Nil, the default, means
// otel.GetTracerProvider().
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(s *frontdoor.Settings) { s.TracerProvider = tp }
}

// WithMeterProvider records the duration of each front-door call
// (http.client.request.duration, seconds) with a meter from mp, and the
// token metrics of package auth (auth.WithMeterProvider) unless
// WithAuthOptions or WithSource says otherwise. Nil, the default, means
// otel.GetMeterProvider() for the duration, and no token metrics.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(s *frontdoor.Settings) { s.MeterProvider = mp }
}

// WithTracePropagation injects the trace context of each call into every
// request sent to the vendor (e.g. propagation.TraceContext{} adds
// traceparent). By default nothing is injected: the vendor learns nothing
// of the caller's traces.
func WithTracePropagation(p propagation.TextMapPropagator) Option {
	return func(s *frontdoor.Settings) { s.Propagator = p }
}

// WithoutTelemetry turns tracing and the duration metric off: the
// connection then costs per call exactly what it did before telemetry
// existed (no span is started, no layer is added). A no-op provider given
// to WithTracerProvider and WithMeterProvider is cheaper still than a real
// one, but not free.
func WithoutTelemetry() Option { return func(s *frontdoor.Settings) { s.NoTelemetry = true } }
