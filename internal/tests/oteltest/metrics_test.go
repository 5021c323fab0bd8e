package oteltest

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/option"
	"github.com/mgmtapi/mgmtapi/otelmgmt"
	"github.com/mgmtapi/mgmtapi/ratelimit"
	"github.com/mgmtapi/mgmtapi/retry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// TestFleetMetrics: the fleet metrics that auth and ratelimit count
// reach OpenTelemetry through otelmgmt's adapters under their documented
// names and attributes. One call of a connection with
// otelmgmt.WithMeterProvider (the token metrics of its Source),
// RateLimitMetrics on its paced transport and RetryMetrics on its retry
// policy meets a 401 (a replay with a new token from the real
// oidc-provider) and a 429 (a retry), then succeeds.
func TestFleetMetrics(t *testing.T) {
	ts := startTokens(t)
	var n atomic.Int32
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			writeJSON(rw, 401, map[string]any{"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"})
		case 2:
			rw.Header().Set("Retry-After", "0")
			writeJSON(rw, 429, map[string]any{"statusCode": 429, "error": "Too Many Requests", "message": "Global limit has been reached"})
		default:
			writeJSON(rw, 200, map[string]any{"user_id": "auth0|1"})
		}
	})
	rec := newRecorder(t)
	paced := &ratelimit.Transport{Metrics: otelmgmt.RateLimitMetrics(rec.mp)}
	c := auth0On(t, ts, w, otelmgmt.Enable(otelmgmt.WithMeterProvider(rec.mp)),
		option.WithHTTPClient(&http.Client{Transport: paced}),
		option.WithRetry(retry.Transport{OnRetry: otelmgmt.RetryMetrics(rec.mp)}))
	if _, err := c.GetUsersById(context.Background(), "auth0|1", nil); err != nil {
		t.Fatal(err)
	}
	if got := len(w.requests()); got != 3 {
		t.Fatalf("%d API requests, want 3 (401, 429, 200)", got)
	}
	sums, counts := map[string]int64{}, map[string]uint64{}
	for _, sm := range rec.metrics(t).ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					sums[m.Name+"{"+p.Attributes.Encoded(attribute.DefaultEncoder())+"}"] += p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					counts[m.Name+"{"+p.Attributes.Encoded(attribute.DefaultEncoder())+"}"] += p.Count
				}
			}
		}
	}
	wantSums := map[string]int64{
		auth.MetricTokenFetches + "{origin=vendor,outcome=ok}": 2, // the first token, the one after the 401
		auth.MetricReplays + "{}":                              1,
		ratelimit.MetricLimited + "{}":                         1,
		ratelimit.MetricRetries + "{status=429}":               1,
	}
	for k, v := range wantSums {
		if sums[k] != v {
			t.Errorf("%s = %d, want %d (all sums: %v)", k, sums[k], v, sums)
		}
	}
	wantCounts := map[string]uint64{
		auth.MetricFetchDuration + "{origin=vendor,outcome=ok}": 2,
		// Every request through the paced transport: 3 to the API, 2 for tokens.
		ratelimit.MetricBudgetWait + "{outcome=ok}": 5,
	}
	for k, v := range wantCounts {
		if counts[k] != v {
			t.Errorf("%s has %d observations, want %d (all: %v)", k, counts[k], v, counts)
		}
	}
}
