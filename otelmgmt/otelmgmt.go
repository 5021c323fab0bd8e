// Package otelmgmt records the front-door calls of a connection with
// OpenTelemetry: every call is one client span and one
// http.client.request.duration measurement, and the waits under it (a
// token fetch, a retry pause, a rate-limit slot) are events on its span.
//
// Telemetry is opt-in: pass Enable to a vendor's Connect.
//
//	conn, err := auth0.Connect(domain, id, secret, otelmgmt.Enable())
//
// Without options Enable uses the global providers (otel.GetTracerProvider,
// otel.GetMeterProvider). AuthMetrics, RateLimitMetrics and RetryMetrics
// record the fleet counts of packages auth, ratelimit and retry.
//
// It is a package of its own, like otelhttp beside net/http, so that a
// program that does not import it compiles no OpenTelemetry package: the
// API with its global providers cost the README's Auth0 task 7.2 s of a
// cold build's CPU (docs/build-cost.md).
//
// What is recorded follows the HTTP client semantic conventions: the span
// is named "{method} {url.template}" (e.g. "GET /users/{id}") and carries
// http.request.method, url.template, server.address, server.port,
// http.response.status_code, error.type and http.request.resend_count,
// plus AttrOperationID, AttrAPI and, on a vendor error, AttrErrorCode. No
// attribute or event holds a token, a credential, a query value, a filled-in
// path or a body. Only the OpenTelemetry API is imported, never an SDK.
package otelmgmt

import (
	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
	"github.com/mgmtapi/mgmtapi/option"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// An Option changes what Enable records with.
type Option func(*config)

type config struct {
	tp   trace.TracerProvider
	mp   metric.MeterProvider
	prop propagation.TextMapPropagator
}

// WithTracerProvider takes the tracer of the calls' spans from tp instead
// of otel.GetTracerProvider().
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider records the duration of each call with a meter from mp
// instead of otel.GetMeterProvider(), and the token metrics of the
// connection's Source (AuthMetrics) unless option.WithAuthOptions or
// option.WithSource says otherwise. Without it no token metrics are
// recorded.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// WithPropagator injects the trace context of each call into every request
// sent to the vendor (e.g. propagation.TraceContext{} adds traceparent). By
// default nothing is injected: the vendor learns nothing of the caller's
// traces.
func WithPropagator(p propagation.TextMapPropagator) Option {
	return func(c *config) { c.prop = p }
}

// Enable returns the connection option that turns telemetry on, with the
// global providers unless opts name others.
func Enable(opts ...Option) option.Option {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return func(s *frontdoor.Settings) {
		tp := c.tp
		if tp == nil {
			tp = otel.GetTracerProvider()
		}
		s.Observer = func(server string) frontdoor.Observer { return newObserver(tp, c.mp, c.prop, server) }
		s.Inject = c.prop != nil
		if c.mp != nil {
			s.AuthMetrics = AuthMetrics(c.mp)
		}
	}
}
