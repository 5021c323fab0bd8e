package auth

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// countingMetrics counts what a Source reports to its Metrics.
type countingMetrics struct {
	mu       sync.Mutex
	fetched  map[string]int // origin/outcome
	took     []time.Duration
	stale    int
	replayed int
	other    int
}

func (m *countingMetrics) Fetched(origin Origin, err error, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.fetched[string(origin)+"/"+outcome]++
	m.took = append(m.took, took)
}
func (m *countingMetrics) ServedStale()                      { m.mu.Lock(); m.stale++; m.mu.Unlock() }
func (m *countingMetrics) LeaseWaited(string, time.Duration) { m.mu.Lock(); m.other++; m.mu.Unlock() }
func (m *countingMetrics) LeaseTakenOver()                   { m.mu.Lock(); m.other++; m.mu.Unlock() }
func (m *countingMetrics) Replayed(context.Context)          { m.mu.Lock(); m.replayed++; m.mu.Unlock() }
func (m *countingMetrics) SharedStoreFailed()                { m.mu.Lock(); m.other++; m.mu.Unlock() }

// The Source reports fetches, their latency and 401 replays to its
// Metrics (package otelmgmt records them with OpenTelemetry; its tests
// check the instruments), and calls the refresh hook once per fetch.
func TestMetricsAndRefreshHook(t *testing.T) {
	te := newTokenEndpoint(t, 300, nil)
	api := newAPIServer(t, func(tok string) bool { return tok != "tok-1" })
	var events []RefreshEvent
	m := &countingMetrics{fetched: map[string]int{}}
	src := mustNew(t, testConfig(te.URL), WithMetrics(m), WithRefreshHook(func(e RefreshEvent) { events = append(events, e) }))
	resp, err := (&http.Client{Transport: src.Transport(nil)}).Get(api.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// The first token, then the one after the 401.
	if len(m.fetched) != 1 || m.fetched["vendor/ok"] != 2 || len(m.took) != 2 {
		t.Errorf("fetches %v (%d durations), want vendor/ok twice", m.fetched, len(m.took))
	}
	if m.replayed != 1 || m.stale != 0 || m.other != 0 {
		t.Errorf("replayed %d, stale %d, fleet %d; want 1, 0, 0", m.replayed, m.stale, m.other)
	}
	if len(events) != 2 || events[0].Origin != OriginVendor || events[0].Err != nil || events[0].Lifetime <= 0 || events[0].Background {
		t.Errorf("refresh events %+v", events)
	}
}
