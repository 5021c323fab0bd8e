package retry

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHugeLimitsDoNotOverflow: MaxRetries 40 with a MaxWait near the largest
// Duration used to overflow the doubling backoff (d *= 2) and make rand.N
// panic. Every computed wait stays in [0, MaxWait] and 40 retries run, with
// the real jitter source.
func TestHugeLimitsDoNotOverflow(t *testing.T) {
	for _, maxWait := range []time.Duration{math.MaxInt64, math.MaxInt64 / 3, 1 << 62} {
		t.Run(maxWait.String(), func(t *testing.T) {
			tr := &Transport{MaxRetries: 40, MaxWait: maxWait}
			for retry := range 64 {
				if d := tr.backoff(retry); d < 0 || d > maxWait {
					t.Fatalf("retry %d: backoff %d outside [0, %d]", retry, d, maxWait)
				}
			}
			s := &script{steps: []step{{status: 503}}}
			srv := httptest.NewServer(s)
			defer srv.Close()
			var sleeps []time.Duration
			tr.sleep = func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }
			resp, err := tr.RoundTrip(mustGet(t, srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 503 || s.count() != 41 || len(sleeps) != 40 {
				t.Fatalf("status %d after %d requests and %d sleeps; want 503, 41, 40", resp.StatusCode, s.count(), len(sleeps))
			}
			for i, d := range sleeps {
				if d < 0 || d > maxWait {
					t.Fatalf("sleep %d: %d outside [0, MaxWait]", i, d)
				}
			}
		})
	}
}

// TestHugeServerWaitIsNotWithinMaxWait: a Retry-After or X-RateLimit-Reset
// too large for int64 (or for time.Time) asks for a wait no MaxWait covers:
// the response is returned after one request, not retried as if the header
// were garbage or the reset were in the past.
func TestHugeServerWaitIsNotWithinMaxWait(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header map[string]string
	}{
		{"20-digit Retry-After", 503, map[string]string{"Retry-After": "99999999999999999999"}},
		{"19-digit Retry-After", 429, map[string]string{"Retry-After": "9223372036854775807"}},
		{"Retry-After with leading zeros", 503, map[string]string{"Retry-After": "000000000000000000000000000000099999999999"}},
		{"20-digit X-RateLimit-Reset", 429, map[string]string{"X-RateLimit-Reset": "99999999999999999999"}},
		{"max int64 X-RateLimit-Reset", 429, map[string]string{"X-RateLimit-Reset": strconv.FormatInt(math.MaxInt64, 10)}},
		{"X-RateLimit-Reset beyond year 9999", 429, map[string]string{"X-RateLimit-Reset": "922337203685477580"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{steps: []step{{status: tt.status, header: tt.header}, {status: 200}}}
			srv := httptest.NewServer(s)
			defer srv.Close()
			var logs bytes.Buffer
			ft := &fakeTime{now: epoch}
			tr := ft.install(&Transport{MaxRetries: 5, MaxWait: time.Duration(math.MaxInt64 - 1), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			resp, err := tr.RoundTrip(mustGet(t, srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status || s.count() != 1 || len(ft.sleeps) != 0 {
				t.Fatalf("status %d after %d requests, sleeps %v; want %d after 1 request, no sleep", resp.StatusCode, s.count(), ft.sleeps, tt.status)
			}
			if !strings.Contains(logs.String(), "exceeds MaxWait") {
				t.Errorf("no warning logged: %s", logs.String())
			}
		})
	}
}

func TestServerWaitParsing(t *testing.T) {
	tests := []struct {
		status int
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{503, map[string]string{"Retry-After": "7"}, 7 * time.Second, true},
		{503, map[string]string{"Retry-After": "99999999999999999999"}, math.MaxInt64, true},
		{503, map[string]string{"Retry-After": "-1"}, 0, false},
		{503, map[string]string{"Retry-After": "+5"}, 0, false},
		{503, map[string]string{"Retry-After": "5s"}, 0, false},
		{503, map[string]string{"Retry-After": "soon"}, 0, false},
		{429, map[string]string{"X-RateLimit-Reset": strconv.FormatInt(epoch.Unix()+3, 10)}, 3 * time.Second, true},
		{429, map[string]string{"X-RateLimit-Reset": strconv.FormatInt(epoch.Unix()-3, 10)}, 0, true},
		{429, map[string]string{"X-RateLimit-Reset": "99999999999999999999"}, math.MaxInt64, true},
		{429, map[string]string{"X-RateLimit-Reset": "0"}, 0, false},
		{503, map[string]string{"X-RateLimit-Reset": "99999999999999999999"}, 0, false},
	}
	for _, tt := range tests {
		resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
		for k, v := range tt.header {
			resp.Header.Set(k, v)
		}
		got, ok := serverWait(resp, epoch)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%d %v: serverWait = %v, %v; want %v, %v", tt.status, tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func mustGet(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
