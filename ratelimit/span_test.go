package ratelimit

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

type okTransport struct{}

func (okTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}, Request: req}, nil
}

// Each request's wait for its slot is an event on the span of its context,
// with how long it waited: the second of two back-to-back requests at 20/s
// (burst 1) waits for its slot.
func TestWaitIsASpanEvent(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer tp.Shutdown(t.Context())
	rt := &Transport{Base: okTransport{}, Limit: 20, Share: 1, Burst: 1}
	ctx, span := tp.Tracer("test").Start(t.Context(), "call")
	for range 2 {
		req, _ := http.NewRequestWithContext(ctx, "GET", "https://api.example.com/x", nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	span.End()
	spans := exp.GetSpans()
	if len(spans) != 1 || len(spans[0].Events) != 2 {
		t.Fatalf("want one span with two events, got %v", spans)
	}
	var waits []float64
	for _, e := range spans[0].Events {
		if e.Name != SpanEvent || len(e.Attributes) != 1 || e.Attributes[0].Key != "mgmtapi.wait.seconds" {
			t.Fatalf("event %s %v", e.Name, e.Attributes)
		}
		w, _ := strconv.ParseFloat(e.Attributes[0].Value.Emit(), 64)
		waits = append(waits, w)
	}
	// The slot interval is 50 ms; the first request has the burst slot.
	if waits[1] < 0.02 || waits[1] > DefaultMaxWait.Seconds() || waits[0] > waits[1] {
		t.Errorf("waits %v: want the second request to wait for its slot", waits)
	}
}
