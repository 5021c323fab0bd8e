package ratelimit

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// A vendor's x-ratelimit-remaining: 0 with a reset far ahead (in
// milliseconds, in the year 3000, beyond int64) or a huge Retry-After holds
// requests back for at most MaxPause: the next request is refused at once
// with ErrOverBudget (MaxWait is 1 s), without reaching the vendor and
// without spinning until its context ends. Before the cap, the pause
// overflowed the jitter and requests busy-looped until their deadline.
func TestFarFuturePausesAreCapped(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header func(now time.Time) map[string]string
	}{
		{"remaining 0, reset in milliseconds", 200, func(now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": strconv.FormatInt(now.UnixMilli()+5000, 10)}
		}},
		{"remaining 0, reset in the year 3000", 200, func(time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "32503680000"}
		}},
		{"remaining 0, reset of 18 digits", 200, func(time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "999999999999999999"}
		}},
		{"429, Retry-After of 30 digits", 429, func(time.Time) map[string]string {
			return map[string]string{"Retry-After": "999999999999999999999999999999"}
		}},
		{"429, reset in the year 3000", 429, func(time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Reset": "32503680000"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int64
			s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				for k, v := range tt.header(time.Now()) {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
			}))
			defer s.Close()
			tr := &Transport{MaxWait: time.Second}
			hc := &http.Client{Transport: tr}
			resp, err := hc.Get(s.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			sent := time.Now()
			if o := tr.Observed(); o.Reset.After(sent.Add(MaxPause)) {
				t.Errorf("observed reset %v, more than MaxPause ahead", o.Reset)
			}
			// A generous deadline: the old code spun until it.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
			if _, err := hc.Do(req); !errors.Is(err, ErrOverBudget) {
				t.Fatalf("second request: %v, want ErrOverBudget", err)
			}
			if n := hits.Load(); n != 1 {
				t.Fatalf("vendor got %d requests, want 1", n)
			}
			tr.mu.Lock()
			until := tr.pauseUntil
			tr.mu.Unlock()
			if until.After(sent.Add(MaxPause)) {
				t.Fatalf("paused until %v, more than MaxPause after the answer (%v)", until, sent)
			}
		})
	}
}

// jittered never overflows, never panics and stays within [d, 1.1·d] for
// d in [0, MaxPause].
func TestJitteredBounds(t *testing.T) {
	for _, d := range []time.Duration{-1 << 63, -time.Hour, -1, 0, 1, time.Second, MaxPause, time.Hour, 1<<63 - 1} {
		for range 100 {
			got := jittered(d)
			c := capPause(d)
			if got < c || got > c+c/10 {
				t.Fatalf("jittered(%v) = %v, want in [%v, %v]", d, got, c, c+c/10)
			}
		}
	}
}

// liar is a SharedBudget answering what a corrupt or buggy store might:
// every Reserve returns the same wait and booked flag.
type liar struct {
	wait     time.Duration
	booked   bool
	reserves atomic.Int64
}

func (l *liar) Reserve(context.Context, string, float64, int, time.Duration) (time.Duration, bool, error) {
	l.reserves.Add(1)
	return l.wait, l.booked, nil
}
func (l *liar) Pause(context.Context, string, time.Duration) error { return nil }
func (l *liar) Seed(context.Context, string, float64, int, int) error {
	return nil
}

// A shared budget answering nonsense (a negative wait, a booked slot beyond
// maxWait, neither slot nor wait) is an error: the request is paced locally
// and goes, after one Reserve call, and the fallback is counted with reason
// "invalid". Before, a negative wait panicked RoundTrip (rand.N) and an
// unbooked zero wait looped on Reserve until the context ended.
func TestSharedNonsenseFallsBackToLocal(t *testing.T) {
	tests := []struct {
		name   string
		wait   time.Duration
		booked bool
	}{
		{"negative wait", -time.Hour, false},
		{"most negative wait", -1 << 63, false},
		{"not booked, no wait", 0, false},
		{"booked beyond maxWait", time.Hour, true},
		{"booked, negative", -time.Millisecond, true},
	}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer s.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &countMetrics{}
			l := &liar{wait: tt.wait, booked: tt.booked}
			tr := &Transport{Limit: 100, Shared: l, MaxWait: time.Second, Metrics: m}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				t.Fatalf("request: %v, want it paced locally and sent", err)
			}
			resp.Body.Close()
			if n := l.reserves.Load(); n != 1 {
				t.Errorf("%d Reserve calls, want 1", n)
			}
			if len(m.fellBack) != 1 || !errors.Is(m.fellBack[0], ErrSharedReply) {
				t.Errorf("fallbacks reported %v, want one for ErrSharedReply", m.fellBack)
			}
		})
	}
}

// flaky is a SharedBudget that fails its first Reserve (an outage) and
// then books every slot at once, as an empty, freshly seeded budget does.
type flaky struct{ calls atomic.Int64 }

func (f *flaky) Reserve(context.Context, string, float64, int, time.Duration) (time.Duration, bool, error) {
	if f.calls.Add(1) == 1 {
		return 0, false, errors.New("connection refused")
	}
	return 0, true, nil
}
func (f *flaky) Pause(context.Context, string, time.Duration) error    { return nil }
func (f *flaky) Seed(context.Context, string, float64, int, int) error { return nil }

// For RecoveryGrace after the shared budget comes back, a replica keeps to
// its local share too: the other replicas, still pacing locally until
// their own breakers let them probe, must not see it book the whole
// shared rate on top of their shares. Here one replica of ten at 1 req/s
// has a local slot every 10 s: the request right after the recovery would
// have to wait for it, beyond MaxWait, although the shared budget has a
// slot at once. After the grace it books from the shared budget alone.
func TestRecoveryGraceKeepsLocalShare(t *testing.T) {
	var hits atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer s.Close()
	tr := &Transport{Limit: 1, Share: 1, Burst: 1, Replicas: 10, Shared: &flaky{}, MaxWait: 5 * time.Second}
	hc := &http.Client{Transport: tr}
	resp, err := hc.Get(s.URL) // the outage: paced locally, next local slot in 10 s
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := hc.Get(s.URL); !errors.Is(err, ErrOverBudget) {
		t.Fatalf("request right after the recovery: %v, want ErrOverBudget (its local slot is 10 s away)", err)
	}
	tr.mu.Lock()
	tr.recoveredAt = tr.recoveredAt.Add(-RecoveryGrace) // as if the grace had passed
	tr.mu.Unlock()
	resp, err = hc.Get(s.URL)
	if err != nil {
		t.Fatalf("request after the grace: %v", err)
	}
	resp.Body.Close()
	if n := hits.Load(); n != 2 {
		t.Fatalf("vendor got %d requests, want 2", n)
	}
}
