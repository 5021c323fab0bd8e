package otelmgmt

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
	"github.com/mgmtapi/mgmtapi/ratelimit"
	"github.com/mgmtapi/mgmtapi/retry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Names of what a call records. The http.*, url.*, server.* and error.type
// names are the HTTP client semantic conventions'; the mgmtapi.* ones are
// this module's.
const (
	// ScopeName is the instrumentation scope of the tracer and the meter.
	ScopeName = "github.com/mgmtapi/mgmtapi"
	// MetricRequestDuration is the semantic conventions' client request
	// duration histogram, in seconds, recorded once per front-door call
	// (retries, a 401 replay and redirects included).
	MetricRequestDuration = "http.client.request.duration"

	// AttrOperationID is the operationId of the vendor's OpenAPI document.
	AttrOperationID = attribute.Key("mgmtapi.operation.id")
	// AttrAPI names the API (auth0, umbraco17, umbraco18, applications,
	// scimusers, scimgroups, ...).
	AttrAPI = attribute.Key("mgmtapi.api")
	// AttrErrorCode is the vendor's machine-readable error code of a
	// failed call (apierror.Error.Code), at most 64 bytes of printable
	// ASCII.
	AttrErrorCode = attribute.Key("mgmtapi.error.code")

	attrMethod      = attribute.Key("http.request.method")
	attrTemplate    = attribute.Key("url.template")
	attrAddress     = attribute.Key("server.address")
	attrPort        = attribute.Key("server.port")
	attrStatus      = attribute.Key("http.response.status_code")
	attrErrorType   = attribute.Key("error.type")
	attrResendCount = attribute.Key("http.request.resend_count")
	attrWait        = attribute.Key("mgmtapi.wait.seconds")
	attrJoined      = attribute.Key("mgmtapi.auth.joined")
	attrRetry       = attribute.Key("mgmtapi.retry.number")
)

// durationBuckets are the explicit bucket boundaries the HTTP semantic
// conventions advise for http.client.request.duration.
var durationBuckets = [...]float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// observer is the frontdoor.Observer of one connection: a tracer, the
// duration histogram and the server's address.
type observer struct {
	tracer trace.Tracer
	hist   metric.Float64Histogram
	prop   propagation.TextMapPropagator
	host   string
	port   int // 0 when the scheme's default
	kind   trace.SpanStartOption

	// starts holds each operation's span start options (kind and the
	// attributes known at start, for samplers), built once per connection
	// and operation: a no-op provider then costs a call no allocation
	// beyond its own.
	mu     sync.RWMutex
	starts map[frontdoor.Op][]trace.SpanStartOption
}

// maxOps bounds the start options a connection keeps (the largest API has
// about 500 operations).
const maxOps = 4096

// newObserver builds the observer of a connection to server; a nil mp is
// the global meter provider.
func newObserver(tp trace.TracerProvider, mp metric.MeterProvider, prop propagation.TextMapPropagator, server string) *observer {
	o := &observer{
		tracer: tp.Tracer(ScopeName),
		prop:   prop,
		kind:   trace.WithSpanKind(trace.SpanKindClient),
		starts: map[frontdoor.Op][]trace.SpanStartOption{},
	}
	o.hist, _ = meter(mp, ScopeName).Float64Histogram(MetricRequestDuration,
		metric.WithUnit("s"),
		metric.WithDescription("Duration of a front-door call of a management API, retries and a 401 replay included."),
		metric.WithExplicitBucketBoundaries(durationBuckets[:]...))
	if u, err := url.Parse(server); err == nil {
		o.host = u.Hostname()
		if p, err := strconv.Atoi(u.Port()); err == nil && p > 0 && p < 65536 &&
			!(p == 443 && u.Scheme == "https") && !(p == 80 && u.Scheme == "http") {
			o.port = p
		}
	}
	return o
}

// Start begins a client span named op.Name, child of the span in ctx, and
// the clock of the duration metric; it records nothing of the call when
// the span does not record and the histogram is off.
func (o *observer) Start(ctx context.Context, op frontdoor.Op) (context.Context, frontdoor.CallObserver) {
	ctx, span := o.tracer.Start(ctx, op.Name, o.startOptions(op)...)
	metered := o.hist != nil && o.hist.Enabled(ctx)
	if !span.IsRecording() && !metered {
		return ctx, nil
	}
	return ctx, &call{o: o, ctx: ctx, op: op, span: span, metered: metered}
}

// Inject adds the trace context of ctx to h.
func (o *observer) Inject(ctx context.Context, h http.Header) {
	if o.prop != nil {
		o.prop.Inject(ctx, propagation.HeaderCarrier(h))
	}
}

// startOptions returns the span start options of op.
func (o *observer) startOptions(op frontdoor.Op) []trace.SpanStartOption {
	o.mu.RLock()
	opts, ok := o.starts[op]
	o.mu.RUnlock()
	if ok {
		return opts
	}
	opts = []trace.SpanStartOption{o.kind, trace.WithAttributes(o.attributes(op, make([]attribute.KeyValue, 0, 6))...)}
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.starts) < maxOps {
		o.starts[op] = opts
	}
	return opts
}

// attributes appends the attributes of op known before it is sent.
func (o *observer) attributes(op frontdoor.Op, attrs []attribute.KeyValue) []attribute.KeyValue {
	method, template, _ := strings.Cut(op.Name, " ")
	attrs = append(attrs, attrMethod.String(method), attrTemplate.String(template), attrAddress.String(o.host))
	if o.port != 0 {
		attrs = append(attrs, attrPort.Int(o.port))
	}
	return append(attrs, AttrOperationID.String(op.ID), AttrAPI.String(op.API))
}

// call is one call's span and measurement.
type call struct {
	o       *observer
	ctx     context.Context
	op      frontdoor.Op
	span    trace.Span
	metered bool
}

// End finishes the span with the status code of the last answer,
// http.request.resend_count when requests were sent again, and on failure
// error.type, the vendor's error code and status Error; the duration is
// recorded.
func (c *call) End(out frontdoor.Outcome) {
	if c.span.IsRecording() {
		attrs := make([]attribute.KeyValue, 0, 4)
		if out.Status > 0 {
			attrs = append(attrs, attrStatus.Int(out.Status))
		}
		if out.Resends > 0 {
			attrs = append(attrs, attrResendCount.Int(out.Resends))
		}
		if out.Failed {
			attrs = append(attrs, attrErrorType.String(out.ErrorType))
			if out.ErrorCode != "" {
				attrs = append(attrs, AttrErrorCode.String(out.ErrorCode))
			}
			c.span.SetStatus(codes.Error, out.ErrorType)
		}
		c.span.SetAttributes(attrs...)
	}
	c.span.End()
	if c.metered {
		attrs := c.o.attributes(c.op, make([]attribute.KeyValue, 0, 8))
		if out.Status > 0 {
			attrs = append(attrs, attrStatus.Int(out.Status))
		}
		if out.Failed {
			attrs = append(attrs, attrErrorType.String(out.ErrorType))
		}
		c.o.hist.Record(c.ctx, out.Elapsed.Seconds(), metric.WithAttributeSet(attribute.NewSet(attrs...)))
	}
}

// TokenWait adds auth.SpanEvent, timestamped when the wait began.
func (c *call) TokenWait(start, end time.Time, joined bool, errType string) {
	if !c.span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{attrWait.Float64(max(end.Sub(start), 0).Seconds()), attrJoined.Bool(joined)}
	if errType != "" {
		attrs = append(attrs, attrErrorType.String(errType))
	}
	c.span.AddEvent(auth.SpanEvent, trace.WithTimestamp(start), trace.WithAttributes(attrs...))
}

// RetryWait adds retry.SpanEvent before the pause.
func (c *call) RetryWait(n int, wait time.Duration, status int, errType string) {
	if !c.span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{attrRetry.Int(n), attrWait.Float64(wait.Seconds())}
	if status != 0 {
		attrs = append(attrs, attrStatus.Int(status))
	}
	if errType != "" {
		attrs = append(attrs, attrErrorType.String(errType))
	}
	c.span.AddEvent(retry.SpanEvent, trace.WithAttributes(attrs...))
}

// RateWait adds ratelimit.SpanEvent, timestamped when the wait began.
func (c *call) RateWait(start time.Time, waited time.Duration, errType string) {
	if !c.span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{attrWait.Float64(waited.Seconds())}
	if errType != "" {
		attrs = append(attrs, attrErrorType.String(errType))
	}
	c.span.AddEvent(ratelimit.SpanEvent, trace.WithTimestamp(start), trace.WithAttributes(attrs...))
}
