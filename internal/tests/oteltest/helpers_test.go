package oteltest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact/redacttest"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/option"
	"github.com/mgmtapi/mgmtapi/otelmgmt"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

const (
	umbracoID   = "umbraco-back-office-oteltest"
	umbracoPath = "/umbraco/management/api/v1/security/back-office/token"
	auth0ID     = "oteltest-auth0"
	asgardeoID  = "oteltest-asgardeo"
	secret      = "oteltest-secret-0123456789abcdef"
	domain      = "tenant.example.com"
	org         = "acme"
	ttl         = 300 * time.Second
)

var asgardeoScopes = []string{"internal_user_mgt_view", "internal_application_mgt_view"}

// tokenServers are the oidc-provider token endpoints of the three vendors.
type tokenServers struct{ umbraco, auth0, asgardeo *testenv.TokenServer }

func startTokens(t testing.TB) tokenServers {
	t.Helper()
	one := func(path, id, method string, opts testenv.TokenServerOptions) *testenv.TokenServer {
		opts.TokenPath = path
		opts.TTL = ttl
		opts.Clients = []testenv.Client{{ID: id, Secret: secret, AuthMethod: method}}
		return testenv.TokenServerTB(t, opts)
	}
	return tokenServers{
		umbraco: one(umbracoPath, umbracoID, testenv.AuthPost, testenv.TokenServerOptions{}),
		auth0: one("/oauth/token", auth0ID, testenv.AuthPost, testenv.TokenServerOptions{
			MapAudience: true, Resources: map[string]testenv.Resource{"https://" + domain + "/api/v2/": {TTL: ttl}},
		}),
		asgardeo: one("/t/"+org+"/oauth2/token", asgardeoID, testenv.AuthBasic, testenv.TokenServerOptions{Scopes: asgardeoScopes}),
	}
}

// recorder is an SDK tracer provider with the in-memory exporter and a
// meter provider with a manual reader.
type recorder struct {
	exp    *tracetest.InMemoryExporter
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	mp     *sdkmetric.MeterProvider
}

func newRecorder(t testing.TB) *recorder {
	r := &recorder{exp: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	r.tp = sdktrace.NewTracerProvider(sdktrace.WithSyncer(r.exp))
	r.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	t.Cleanup(func() { r.tp.Shutdown(context.Background()); r.mp.Shutdown(context.Background()) })
	return r
}

// options are the connection options that record into r (telemetry on,
// with more otelmgmt options when given).
func (r *recorder) options(more ...otelmgmt.Option) []option.Option {
	return []option.Option{otelmgmt.Enable(append([]otelmgmt.Option{otelmgmt.WithTracerProvider(r.tp), otelmgmt.WithMeterProvider(r.mp)}, more...)...)}
}

func (r *recorder) spans() tracetest.SpanStubs { return r.exp.GetSpans() }

func (r *recorder) metrics(t testing.TB) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// durations returns the data points of http.client.request.duration.
func durations(rm metricdata.ResourceMetrics) []metricdata.HistogramDataPoint[float64] {
	var out []metricdata.HistogramDataPoint[float64]
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != "http.client.request.duration" {
				continue
			}
			if h, ok := m.Data.(metricdata.Histogram[float64]); ok {
				out = append(out, h.DataPoints...)
			}
		}
	}
	return out
}

// attrs renders attributes as a map of their emitted strings.
func attrs(kvs []attribute.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}

// wire is an API server that records what it received: each request's
// "METHOD /path?query", Authorization and traceparent headers.
type wire struct {
	*httptest.Server
	mu          sync.Mutex
	seen        []string
	auth        []string
	traceparent []string
}

func newWire(t testing.TB, handle http.HandlerFunc) *wire {
	t.Helper()
	w := &wire{}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.seen = append(w.seen, r.Method+" "+r.URL.RequestURI())
		w.auth = append(w.auth, r.Header.Get("Authorization"))
		w.traceparent = append(w.traceparent, r.Header.Get("Traceparent"))
		w.mu.Unlock()
		handle(rw, r)
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *wire) requests() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.seen...)
}

// tokens returns the access tokens the server received.
func (w *wire) tokens() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, a := range w.auth {
		if tok, ok := strings.CutPrefix(a, "Bearer "); ok {
			out = append(out, tok)
		}
	}
	return out
}

func (w *wire) reset() {
	w.mu.Lock()
	w.seen, w.auth, w.traceparent = nil, nil, nil
	w.mu.Unlock()
}

// templateRE matches a request path against a path template ("/users/{id}"),
// under any prefix (the API's base path).
func templateRE(template string) *regexp.Regexp {
	q := regexp.QuoteMeta(template)
	q = regexp.MustCompile(`\\\{[^/]*?\\\}`).ReplaceAllString(q, "[^/]+")
	return regexp.MustCompile("^(/.*)?" + q + "$")
}

// recorded lists every string the recorder holds, by where it is: span
// names, status descriptions, span and event attributes, event names,
// metric names and metric attributes.
func recorded(t testing.TB, r *recorder) map[string]string {
	t.Helper()
	out := map[string]string{}
	add := func(where, s string) {
		if s != "" {
			out[where+" = "+s] = s
		}
	}
	addAttrs := func(where string, kvs []attribute.KeyValue) {
		for _, kv := range kvs {
			add(where+" key", string(kv.Key))
			add(where+" "+string(kv.Key), kv.Value.Emit())
		}
	}
	for _, s := range r.spans() {
		add("span name", s.Name)
		add("span status", s.Status.Description)
		addAttrs("span "+s.Name, s.Attributes)
		for _, e := range s.Events {
			add("event name", e.Name)
			addAttrs("event "+e.Name, e.Attributes)
		}
		for _, l := range s.Links {
			addAttrs("link", l.Attributes)
		}
	}
	rm := r.metrics(t)
	addAttrs("resource", rm.Resource.Attributes())
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			add("metric name", m.Name)
			add("metric description", m.Description)
			switch d := m.Data.(type) {
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					addAttrs("metric "+m.Name, p.Attributes.ToSlice())
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					addAttrs("metric "+m.Name, p.Attributes.ToSlice())
				}
			case metricdata.Sum[float64]:
				for _, p := range d.DataPoints {
					addAttrs("metric "+m.Name, p.Attributes.ToSlice())
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					addAttrs("metric "+m.Name, p.Attributes.ToSlice())
				}
			}
		}
	}
	return out
}

// checkNoSecrets fails if any string r recorded holds any of secrets in
// any encoding redacttest.Encodings builds. It returns how many strings
// it checked.
func checkNoSecrets(t testing.TB, r *recorder, secrets ...string) int {
	t.Helper()
	all := recorded(t, r)
	for _, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("secret %q too short to search for", s)
		}
		for enc, form := range redacttest.Encodings(s) {
			for where, v := range all {
				if strings.Contains(v, form) {
					t.Errorf("%s holds a secret (%s)", where, enc)
				}
			}
		}
	}
	return len(all)
}
