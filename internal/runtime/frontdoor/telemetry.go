package frontdoor

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Names of what a front-door call records through the OpenTelemetry API.
// The http.*, url.*, server.* and error.type names are the HTTP client
// semantic conventions'; the mgmtapi.* ones are this module's.
const (
	// ScopeName is the instrumentation scope of the tracer and the meter.
	ScopeName = "github.com/mgmtapi/mgmtapi"
	// MetricRequestDuration is the semantic conventions' client request
	// duration histogram, in seconds, recorded once per front-door call
	// (retries, a 401 replay and redirects included).
	MetricRequestDuration = "http.client.request.duration"

	// AttrOperationID is the operationId of the vendor's OpenAPI document.
	AttrOperationID = attribute.Key("mgmtapi.operation.id")
	// AttrAPI names the API: the API name of specs/pipeline.yaml (auth0,
	// umbraco17, umbraco18, applications, scimusers, scimgroups, ...).
	AttrAPI = attribute.Key("mgmtapi.api")
	// AttrErrorCode is the vendor's machine-readable error code of a
	// failed call (apierror.Error.Code), at most MaxErrorCode bytes of
	// printable ASCII.
	AttrErrorCode = attribute.Key("mgmtapi.error.code")

	attrMethod      = attribute.Key("http.request.method")
	attrTemplate    = attribute.Key("url.template")
	attrAddress     = attribute.Key("server.address")
	attrPort        = attribute.Key("server.port")
	attrStatus      = attribute.Key("http.response.status_code")
	attrErrorType   = attribute.Key("error.type")
	attrResendCount = attribute.Key("http.request.resend_count")
)

// MaxErrorCode bounds the vendor error code recorded in AttrErrorCode.
const MaxErrorCode = 64

// durationBuckets are the explicit bucket boundaries the HTTP semantic
// conventions advise for http.client.request.duration.
var durationBuckets = [...]float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// Op names one front-door operation for its span and metric. The generated
// methods pass it as a literal: no package state.
type Op struct {
	// API is the API name (AttrAPI).
	API string
	// ID is the operationId (AttrOperationID).
	ID string
	// Name is the span name, "{method} {url.template}", e.g.
	// "GET /users/{id}": the operation's path template relative to the
	// API's base URL, as the vendor documents it, never a filled-in path.
	Name string
}

// Telemetry is what a connection records its front-door calls with: a
// tracer, the duration histogram, and the server's address. A nil
// *Telemetry records nothing and costs nothing (option.WithoutTelemetry).
type Telemetry struct {
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
	starts map[Op][]trace.SpanStartOption
}

// newTelemetry builds the Telemetry of a connection to server from the
// settings (the global providers where none is given), or nil when
// telemetry is off.
func newTelemetry(o Settings, server string) *Telemetry {
	if o.NoTelemetry {
		return nil
	}
	tp, mp := o.TracerProvider, o.MeterProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	t := &Telemetry{
		tracer: tp.Tracer(ScopeName),
		prop:   o.Propagator,
		kind:   trace.WithSpanKind(trace.SpanKindClient),
		starts: map[Op][]trace.SpanStartOption{},
	}
	t.hist, _ = mp.Meter(ScopeName).Float64Histogram(MetricRequestDuration,
		metric.WithUnit("s"),
		metric.WithDescription("Duration of a front-door call of a management API, retries and a 401 replay included."),
		metric.WithExplicitBucketBoundaries(durationBuckets[:]...))
	if u, err := url.Parse(server); err == nil {
		t.host = u.Hostname()
		if p, err := strconv.Atoi(u.Port()); err == nil && p > 0 && p < 65536 &&
			!(p == 443 && u.Scheme == "https") && !(p == 80 && u.Scheme == "http") {
			t.port = p
		}
	}
	return t
}

// TelemetryOf returns the Telemetry of the connection whose client hc is
// (Conn.HTTP), or nil when telemetry is off or hc is not a connection's.
// The generated New calls it once per API.
func TelemetryOf(hc *http.Client) *Telemetry {
	if hc == nil {
		return nil
	}
	if o, ok := hc.Transport.(*telemetryTransport); ok {
		return o.t
	}
	return nil
}

// Call is one front-door call being recorded; End finishes it. A nil *Call
// (telemetry off, or neither a recording span nor an enabled histogram)
// records nothing.
type Call struct {
	t       *Telemetry
	ctx     context.Context
	op      Op
	span    trace.Span
	start   time.Time
	metered bool
	// sent counts the requests the connection handed to its base
	// transport for this call; status is the last one's answer.
	sent   atomic.Int32
	status atomic.Int32
}

// callKey is the context key of the *Call the wire hook counts into.
type callKey struct{}

// Start begins the call op: a client span named op.Name, child of the
// span in ctx, and the clock of the duration metric. It returns the
// context to send the call's requests with (it carries the span, for the
// retry, rate-limit and token-wait events, and the call, for the count of
// requests sent).
func (t *Telemetry) Start(ctx context.Context, op Op) (context.Context, *Call) {
	if t == nil {
		return ctx, nil
	}
	ctx, span := t.tracer.Start(ctx, op.Name, t.startOptions(op)...)
	metered := t.hist != nil && t.hist.Enabled(ctx)
	if !span.IsRecording() && !metered {
		return ctx, nil
	}
	c := &Call{t: t, op: op, span: span, start: time.Now(), metered: metered}
	c.ctx = context.WithValue(ctx, callKey{}, c)
	return c.ctx, c
}

// startOptions returns the span start options of op.
func (t *Telemetry) startOptions(op Op) []trace.SpanStartOption {
	t.mu.RLock()
	opts, ok := t.starts[op]
	t.mu.RUnlock()
	if ok {
		return opts
	}
	opts = []trace.SpanStartOption{t.kind, trace.WithAttributes(t.attributes(op, make([]attribute.KeyValue, 0, 6))...)}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.starts) < maxOps {
		t.starts[op] = opts
	}
	return opts
}

// maxOps bounds the start options a connection keeps (the largest API has
// about 500 operations).
const maxOps = 4096

// attributes appends the attributes of op known before it is sent.
func (t *Telemetry) attributes(op Op, attrs []attribute.KeyValue) []attribute.KeyValue {
	method, template, _ := strings.Cut(op.Name, " ")
	attrs = append(attrs, attrMethod.String(method), attrTemplate.String(template), attrAddress.String(t.host))
	if t.port != 0 {
		attrs = append(attrs, attrPort.Int(t.port))
	}
	return append(attrs, AttrOperationID.String(op.ID), AttrAPI.String(op.API))
}

// End finishes the call with its outcome err: the span gets the status
// code of the last answer, http.request.resend_count when requests were
// sent again (retries, a 401 replay, redirects), and on failure error.type,
// the vendor's error code and status Error; the duration is recorded.
func (c *Call) End(err error) {
	if c == nil {
		return
	}
	elapsed := time.Since(c.start)
	status := int(c.status.Load())
	code, errType := "", ""
	if err != nil {
		status, code, errType = classify(err, status)
	}
	if c.span.IsRecording() {
		attrs := make([]attribute.KeyValue, 0, 4)
		if status > 0 {
			attrs = append(attrs, attrStatus.Int(status))
		}
		if n := c.sent.Load(); n > 1 {
			attrs = append(attrs, attrResendCount.Int(int(n-1)))
		}
		if err != nil {
			attrs = append(attrs, attrErrorType.String(errType))
			if code != "" {
				attrs = append(attrs, AttrErrorCode.String(code))
			}
			c.span.SetStatus(codes.Error, errType)
		}
		c.span.SetAttributes(attrs...)
	}
	c.span.End()
	if c.metered {
		attrs := c.t.attributes(c.op, make([]attribute.KeyValue, 0, 8))
		if status > 0 {
			attrs = append(attrs, attrStatus.Int(status))
		}
		if err != nil {
			attrs = append(attrs, attrErrorType.String(errType))
		}
		c.t.hist.Record(c.ctx, elapsed.Seconds(), metric.WithAttributeSet(attribute.NewSet(attrs...)))
	}
}

// telemetryTransport is the outermost layer of a connection whose
// telemetry is on: it only passes requests on, and carries the Telemetry
// for TelemetryOf.
type telemetryTransport struct {
	rt http.RoundTripper
	t  *Telemetry
}

func (o *telemetryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return o.rt.RoundTrip(req)
}

// wireTransport is the innermost layer of a connection whose telemetry is
// on, just above the base transport (the caller's, e.g. a
// ratelimit.Transport, or http.DefaultTransport): it counts what the call
// hands to it, so retries, auth's 401 replay and redirects all count, and
// injects the trace context when the caller opted in.
type wireTransport struct {
	base http.RoundTripper
	prop propagation.TextMapPropagator
}

func (w *wireTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c, _ := req.Context().Value(callKey{}).(*Call)
	if w.prop != nil {
		r := new(http.Request)
		*r = *req
		r.Header = req.Header.Clone()
		if r.Header == nil {
			r.Header = make(http.Header, 2)
		}
		w.prop.Inject(req.Context(), propagation.HeaderCarrier(r.Header))
		req = r
	}
	resp, err := w.base.RoundTrip(req)
	if c != nil {
		if resp != nil || !unsentErr(err) {
			c.sent.Add(1)
		}
		if resp != nil {
			c.status.Store(int32(resp.StatusCode))
		}
	}
	return resp, err
}
