package ratelimit

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseQuota(t *testing.T) {
	tests := []struct {
		in   string
		want []Quota
	}{
		{"", nil},
		{"b=per_hour;q=100;r=99;t=3540", []Quota{{"per_hour", 100, 99, 3540 * time.Second}}},
		{"b=per_hour;q=100;r=99;t=3540,b=per_day;q=1000;r=990;t=80000",
			[]Quota{{"per_hour", 100, 99, 3540 * time.Second}, {"per_day", 1000, 990, 80000 * time.Second}}},
		{"b=per_hour;q=x;r=1;t=1,b=per_day;q=5;r=4;t=3", []Quota{{"per_day", 5, 4, 3 * time.Second}}},
		{"q=1;r=1", nil},
		{"b=per_hour;q=-1", nil},
	}
	for _, tt := range tests {
		got := parseQuota(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("%q: %+v, want %+v", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: %+v, want %+v", tt.in, got, tt.want)
			}
		}
	}
}

// The pause a 429 asks for, from each header form, capped at MaxPause.
func TestResponsePause429(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tests := []struct {
		name string
		h    map[string]string
		want time.Duration
	}{
		{"seconds", map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{"date", map[string]string{"Retry-After": now.Add(5 * time.Second).UTC().Format(http.TimeFormat)}, 5 * time.Second},
		{"reset", map[string]string{"X-Ratelimit-Reset": strconv.FormatInt(now.Unix()+7, 10)}, 7 * time.Second},
		{"reset in milliseconds", map[string]string{"X-Ratelimit-Reset": strconv.FormatInt(now.UnixMilli()+7500, 10)}, 7500 * time.Millisecond},
		{"reset as seconds from now", map[string]string{"X-Ratelimit-Reset": "9"}, 9 * time.Second},
		{"reset in the year 3000", map[string]string{"X-Ratelimit-Reset": "32503680000"}, MaxPause},
		{"reset past", map[string]string{"X-Ratelimit-Reset": strconv.FormatInt(now.Unix()-7, 10)}, time.Second},
		{"capped", map[string]string{"Retry-After": "99999999"}, MaxPause},
		{"beyond int64", map[string]string{"Retry-After": "99999999999999999999999"}, MaxPause},
		{"date far ahead", map[string]string{"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}, MaxPause},
		{"garbage", map[string]string{"Retry-After": "soon"}, time.Second},
		{"negative", map[string]string{"Retry-After": "-5"}, time.Second},
		{"none", nil, time.Second},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.h {
			h.Set(k, v)
		}
		if got := responsePause(http.StatusTooManyRequests, h, Observation{}, now); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// Without a shared budget the Transport learns from the vendor: after a 429
// asking for 5 s, or x-ratelimit-remaining 0 with a reset ahead, the next
// request is held back (here: refused, as it may not wait that long) and
// never reaches the vendor.
func TestLocalPauses(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header map[string]string
	}{
		{"429 Retry-After", 429, map[string]string{"Retry-After": "5"}},
		{"remaining 0", 200, map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Limit": "10",
			"X-Ratelimit-Reset": strconv.FormatInt(time.Now().Unix()+5, 10)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int64
			s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
			}))
			defer s.Close()
			m := &countMetrics{}
			tr := &Transport{MaxWait: time.Second, Metrics: m}
			hc := &http.Client{Transport: tr}
			resp, err := hc.Get(s.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if _, err := hc.Get(s.URL); !errors.Is(err, ErrOverBudget) {
				t.Fatalf("second request: %v, want ErrOverBudget", err)
			}
			if n := hits.Load(); n != 1 {
				t.Fatalf("vendor got %d requests, want 1", n)
			}
			want429 := 0
			if tt.status == 429 {
				want429 = 1
			}
			if m.limited != want429 {
				t.Errorf("%d 429s reported, want %d", m.limited, want429)
			}
			if m.waits != 2 {
				t.Errorf("%d waits reported, want 2", m.waits)
			}
		})
	}
}

// With a limit and no shared budget, one replica of a fleet of Replicas
// takes its part of the rate: the second request of a burst-1 budget at
// 1 req/s cannot go within MaxWait.
func TestLocalRate(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer s.Close()
	tr := &Transport{Limit: 2, Share: 1, Burst: 1, Replicas: 2, MaxWait: 100 * time.Millisecond}
	hc := &http.Client{Transport: tr}
	resp, err := hc.Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := hc.Get(s.URL); !errors.Is(err, ErrOverBudget) {
		t.Fatalf("second request: %v, want ErrOverBudget", err)
	}
	if o := tr.Observed(); o.Limit != -1 || o.Remaining != -1 || !o.At.IsZero() {
		t.Fatalf("observed %+v without rate-limit headers", o)
	}
}

// countMetrics counts what a Transport reports to its Metrics.
type countMetrics struct {
	mu       sync.Mutex
	waits    int
	limited  int
	fellBack []error
}

func (m *countMetrics) Waited(context.Context, time.Duration, error) {
	m.mu.Lock()
	m.waits++
	m.mu.Unlock()
}
func (m *countMetrics) Limited(context.Context) { m.mu.Lock(); m.limited++; m.mu.Unlock() }
func (m *countMetrics) FellBack(_ context.Context, err error) {
	m.mu.Lock()
	m.fellBack = append(m.fellBack, err)
	m.mu.Unlock()
}
