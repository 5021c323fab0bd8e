package auth

import (
	"context"
	"io"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// The Source records fetches, their latency and 401 replays through the
// OTel metric API, and calls the refresh hook once per fetch.
func TestMetricsAndRefreshHook(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })

	te := newTokenEndpoint(t, 300, nil)
	api := newAPIServer(t, func(tok string) bool { return tok != "tok-1" })
	var events []RefreshEvent
	src := mustNew(t, testConfig(te.URL), WithMeterProvider(mp), WithRefreshHook(func(e RefreshEvent) { events = append(events, e) }))
	resp, err := (&http.Client{Transport: src.Transport(nil)}).Get(api.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	var histCount uint64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					got[m.Name+attrs(p.Attributes)] += p.Value
				}
			case metricdata.Histogram[float64]:
				if m.Name == MetricFetchDuration {
					for _, p := range d.DataPoints {
						histCount += p.Count
					}
				}
			}
		}
	}
	want := map[string]int64{
		MetricTokenFetches + "{origin=vendor,outcome=ok}": 2, // first token, then the one after the 401
		MetricReplays + "{}":                              1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
	if histCount != 2 {
		t.Errorf("%s has %d observations, want 2", MetricFetchDuration, histCount)
	}
	if len(events) != 2 || events[0].Origin != OriginVendor || events[0].Err != nil || events[0].Lifetime <= 0 || events[0].Background {
		t.Errorf("refresh events %+v", events)
	}
}

func attrs(s attribute.Set) string {
	out := "{"
	for i, kv := range s.ToSlice() {
		if i > 0 {
			out += ","
		}
		out += string(kv.Key) + "=" + kv.Value.Emit()
	}
	return out + "}"
}
