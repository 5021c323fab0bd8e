package oteltest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	"github.com/mgmtapi/mgmtapi/option"
	"github.com/mgmtapi/mgmtapi/otelmgmt"
	"go.opentelemetry.io/otel"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// auth0On connects the Auth0 front doors to w with opts.
func auth0On(t *testing.T, ts tokenServers, w *wire, opts ...option.Option) *auth0.API {
	t.Helper()
	c, err := auth0.NewAPI(domain, auth0ID, secret, append([]option.Option{option.WithBaseURL(w.URL), option.WithTokenURL(ts.auth0.TokenURL)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestTracePropagation: by default no trace context reaches the vendor,
// even inside a caller's span; with otelmgmt.WithPropagator every request
// carries the call span's traceparent (a retried one too).
func TestTracePropagation(t *testing.T) {
	ts := startTokens(t)
	n := 0
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		n++
		if n%2 == 1 {
			rw.Header().Set("Retry-After", "0")
			writeJSON(rw, 503, map[string]any{})
			return
		}
		writeJSON(rw, 200, map[string]any{"user_id": "auth0|1"})
	})
	for _, tc := range []struct {
		name string
		opts []otelmgmt.Option
		want bool
	}{
		{"default", nil, false},
		{"WithPropagator", []otelmgmt.Option{otelmgmt.WithPropagator(propagation.TraceContext{})}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.reset()
			rec := newRecorder(t)
			c := auth0On(t, ts, w, rec.options(tc.opts...)...)
			ctx, parent := rec.tp.Tracer("caller").Start(t.Context(), "caller")
			_, err := c.GetUsersById(ctx, "auth0|1", nil)
			parent.End()
			if err != nil {
				t.Fatal(err)
			}
			w.mu.Lock()
			tps := append([]string(nil), w.traceparent...)
			w.mu.Unlock()
			if len(tps) != 2 {
				t.Fatalf("%d requests, want 2 (a 503 retried)", len(tps))
			}
			var call string
			for _, s := range rec.spans() {
				if s.Name == "GET /users/{id}" {
					call = s.SpanContext.TraceID().String() + "-" + s.SpanContext.SpanID().String()
				}
			}
			for i, tp := range tps {
				switch {
				case !tc.want && tp != "":
					t.Errorf("request %d carried traceparent %q without WithPropagator", i, tp)
				case tc.want && !strings.Contains(tp, call):
					t.Errorf("request %d carried traceparent %q, want the call span %s", i, tp, call)
				}
			}
		})
	}
}

// TestTelemetryIsOptIn: without otelmgmt.Enable a connection records
// nothing, even with global providers that record, and its client is the
// stack without telemetry layers (TelemetryOf finds none); with Enable()
// and no provider named, the same call is recorded by the global ones.
func TestTelemetryIsOptIn(t *testing.T) {
	ts := startTokens(t)
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		writeJSON(rw, 200, map[string]any{"user_id": "auth0|1"})
	})
	rec := newRecorder(t)
	otel.SetTracerProvider(rec.tp)
	otel.SetMeterProvider(rec.mp)
	t.Cleanup(func() {
		otel.SetTracerProvider(tracenoop.NewTracerProvider())
		otel.SetMeterProvider(metricnoop.NewMeterProvider())
	})

	c := auth0On(t, ts, w)
	if _, err := c.GetUsersById(context.Background(), "auth0|1", nil); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.spans()); n != 0 {
		t.Errorf("%d spans without otelmgmt.Enable", n)
	}
	if pts := durations(rec.metrics(t)); len(pts) != 0 {
		t.Errorf("%d duration points without otelmgmt.Enable", len(pts))
	}
	if frontdoor.TelemetryOf(c.Conn().HTTPClient()) != nil {
		t.Error("the connection carries telemetry without otelmgmt.Enable")
	}

	on := auth0On(t, ts, w, otelmgmt.Enable())
	if _, err := on.GetUsersById(context.Background(), "auth0|1", nil); err != nil {
		t.Fatal(err)
	}
	spans := rec.spans()
	if len(spans) != 1 || spans[0].Name != "GET /users/{id}" {
		t.Errorf("spans %v with Enable(), want one GET /users/{id} from the global provider", spans)
	}
	if pts := durations(rec.metrics(t)); len(pts) != 1 || pts[0].Count != 1 {
		t.Errorf("duration points %v with Enable(), want one measurement from the global provider", pts)
	}
	if len(w.requests()) != 2 {
		t.Errorf("requests %q, want 2", w.requests())
	}
}

// TestNoSecretsRecorded sends a write whose body and query hold secrets,
// and a failing one, and checks every recorded string.
func TestNoSecretsRecorded(t *testing.T) {
	ts := startTokens(t)
	const password = "oteltest-password-Zq81!x"
	const q = `email:"oteltest-private@example.com"`
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			writeJSON(rw, 201, map[string]any{"user_id": "auth0|1"})
			return
		}
		writeJSON(rw, 400, map[string]any{"statusCode": 400, "error": "Bad Request", "message": "bad query " + q, "errorCode": "invalid_query_string"})
	})
	rec := newRecorder(t)
	c := auth0On(t, ts, w, rec.options()...)
	if _, err := c.PostUsers(t.Context(), nil, auth0.PostUsersJSONRequestBody{Connection: "db", Email: new("a@example.com"), Password: new(password)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUsersWithTotals(t.Context(), &auth0.GetUsersParams{Q: new(q)}); err == nil {
		t.Fatal("want the 400")
	}
	if len(rec.spans()) != 2 {
		t.Fatalf("%d spans, want 2", len(rec.spans()))
	}
	n := checkNoSecrets(t, rec, append(w.tokens(), secret, password, q, "oteltest-private@example.com")...)
	t.Logf("%d recorded strings checked against every encoding of %d secrets", n, len(w.tokens())+4)
}

// TestResendCountsWhatWasSent: a redirect the client follows within the
// origin is a resend too (semantic conventions); http.request.resend_count
// is the number of requests the server received minus one.
func TestResendCountsWhatWasSent(t *testing.T) {
	ts := startTokens(t)
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/old") {
			http.Redirect(rw, r, "/users/new", http.StatusFound)
			return
		}
		writeJSON(rw, 200, map[string]any{"user_id": "auth0|1"})
	})
	rec := newRecorder(t)
	c := auth0On(t, ts, w, rec.options()...)
	if _, err := c.GetUsersById(t.Context(), "old", nil); err != nil {
		t.Fatal(err)
	}
	spans := rec.spans()
	if len(spans) != 1 {
		t.Fatalf("%d spans", len(spans))
	}
	got := attrs(spans[0].Attributes)
	if n := len(w.requests()); n != 2 || got["http.request.resend_count"] != "1" || got["http.response.status_code"] != "200" {
		t.Errorf("server received %d requests; span attributes %v, want resend_count 1 and status 200", n, got)
	}
}
