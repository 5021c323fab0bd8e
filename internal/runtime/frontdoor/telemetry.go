package frontdoor

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/runtime/waits"
)

// MaxErrorCode bounds the vendor error code passed to an Observer
// (Outcome.ErrorCode).
const MaxErrorCode = 64

// Op names one front-door operation for its span and metric. The generated
// methods pass it as a literal: no package state.
type Op struct {
	// API is the API name: the API name of specs/pipeline.yaml (auth0,
	// umbraco17, umbraco18, applications, scimusers, scimgroups, ...).
	API string
	// ID is the operationId of the vendor's OpenAPI document.
	ID string
	// Name is the span name, "{method} {url.template}", e.g.
	// "GET /users/{id}": the operation's path template relative to the
	// API's base URL, as the vendor documents it, never a filled-in path.
	Name string
}

// An Observer records the front-door calls of one connection. Package
// otelmgmt builds one with OpenTelemetry; without it a connection has none
// and a program compiles no telemetry library.
type Observer interface {
	// Start begins recording op. It returns the context to send the
	// call's requests with (e.g. carrying a span) and the call's
	// recorder, or nil to record nothing of this call.
	Start(ctx context.Context, op Op) (context.Context, CallObserver)
	// Inject adds the trace context of ctx to the headers of a request
	// about to be sent (only when the caller asked for propagation; see
	// Settings.Inject).
	Inject(ctx context.Context, h http.Header)
}

// A CallObserver records one call: the waits of the layers under it
// (waits.Recorder) and its outcome.
type CallObserver interface {
	waits.Recorder
	End(Outcome)
}

// Outcome is how a call ended.
type Outcome struct {
	// Elapsed is the call's duration, retries and a 401 replay included.
	Elapsed time.Duration
	// Status is the HTTP status of the API error, else of the last answer;
	// 0 when no answer came.
	Status int
	// Resends counts the requests sent again (retries, a 401 replay,
	// redirects).
	Resends int
	// Failed is true when the call returned an error; ErrorType is then
	// the status as a number or one of the ErrKind words, and ErrorCode
	// the vendor's error code (at most MaxErrorCode bytes of printable
	// ASCII, "" when none).
	Failed    bool
	ErrorType string
	ErrorCode string
}

// Telemetry is what a connection records its front-door calls with. A nil
// *Telemetry (no otelmgmt option) records nothing and costs nothing.
type Telemetry struct {
	obs Observer
}

// newTelemetry returns the Telemetry of a connection to server, or nil
// when no option asked for one.
func newTelemetry(o Settings, server string) *Telemetry {
	if o.Observer == nil {
		return nil
	}
	obs := o.Observer(server)
	if obs == nil {
		return nil
	}
	return &Telemetry{obs: obs}
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
// (telemetry off, or the Observer records nothing of it) records nothing.
// It is the waits.Recorder of the call's context.
type Call struct {
	obs   CallObserver
	start time.Time
	// sent counts the requests the connection handed to its base
	// transport for this call; status is the last one's answer.
	sent   atomic.Int32
	status atomic.Int32
}

// Start begins the call op. It returns the context to send the call's
// requests with: it carries the Observer's context (a span) and the call,
// for the retry, rate-limit and token waits and the count of requests sent.
func (t *Telemetry) Start(ctx context.Context, op Op) (context.Context, *Call) {
	if t == nil {
		return ctx, nil
	}
	ctx, co := t.obs.Start(ctx, op)
	if co == nil {
		return ctx, nil
	}
	c := &Call{obs: co, start: time.Now()}
	return waits.NewContext(ctx, c), c
}

// End finishes the call with its outcome err.
func (c *Call) End(err error) {
	if c == nil {
		return
	}
	out := Outcome{Elapsed: time.Since(c.start), Status: int(c.status.Load())}
	if n := c.sent.Load(); n > 1 {
		out.Resends = int(n - 1)
	}
	if err != nil {
		out.Failed = true
		out.Status, out.ErrorCode, out.ErrorType = classify(err, out.Status)
	}
	c.obs.End(out)
}

// TokenWait passes the wait on to the call's observer.
func (c *Call) TokenWait(start, end time.Time, joined bool, errType string) {
	c.obs.TokenWait(start, end, joined, errType)
}

// RetryWait passes the wait on to the call's observer.
func (c *Call) RetryWait(n int, wait time.Duration, status int, errType string) {
	c.obs.RetryWait(n, wait, status, errType)
}

// RateWait passes the wait on to the call's observer.
func (c *Call) RateWait(start time.Time, waited time.Duration, errType string) {
	c.obs.RateWait(start, waited, errType)
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
	base   http.RoundTripper
	inject Observer // nil unless propagation was asked for
}

func (w *wireTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c, _ := waits.FromContext(req.Context()).(*Call)
	if w.inject != nil {
		r := new(http.Request)
		*r = *req
		r.Header = req.Header.Clone()
		if r.Header == nil {
			r.Header = make(http.Header, 2)
		}
		w.inject.Inject(req.Context(), r.Header)
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
