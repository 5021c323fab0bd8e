// Package fleet is the fleet harness: N replicas in one process, each with
// its own auth.Source, Redis client and transport stack, against a real
// redis-server and a real token endpoint (internal/tests/testenv) and a local
// vendor API with an Auth0-style rate limit. Tests and `make bench-fleet`
// (internal/tests/benchfleet) use it; docs/fleet.md holds a run.
package fleet

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Vendor is a local management API limited like Auth0's: a token bucket of
// burst requests refilled at limit per second, x-ratelimit-limit,
// -remaining and -reset on every response, 429 with Retry-After when the
// bucket is empty. It answers 401 to requests without a bearer token.
type Vendor struct {
	// URL is the server's origin on 127.0.0.1.
	URL string

	srv   *httptest.Server
	limit float64 // refill per second
	burst float64 // bucket size, sent as x-ratelimit-limit

	mu     sync.Mutex
	tokens float64
	last   time.Time
	// limitedAt are the times of the 429s, for per-phase counts.
	limitedAt []time.Time

	ok, limited, unauthorized atomic.Int64
}

// StartVendor starts a vendor API allowing limit requests per second in
// bursts of at most burst.
func StartVendor(limit, burst int) *Vendor {
	v := &Vendor{limit: float64(limit), burst: float64(burst), tokens: float64(burst), last: time.Now()}
	v.srv = httptest.NewServer(http.HandlerFunc(v.serve))
	v.URL = v.srv.URL
	return v
}

// Close stops the server.
func (v *Vendor) Close() { v.srv.Close() }

func (v *Vendor) serve(w http.ResponseWriter, r *http.Request) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); !ok || tok == "" {
		v.unauthorized.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	// The clock is read under the lock, so that the bucket never refills
	// backwards: a handler descheduled between reading the time and taking
	// the lock would otherwise subtract the time of those that overtook it,
	// and answer 429 on a busy machine although the requests kept to the
	// limit.
	v.mu.Lock()
	now := time.Now()
	if now.After(v.last) {
		v.tokens = math.Min(v.burst, v.tokens+now.Sub(v.last).Seconds()*v.limit)
		v.last = now
	}
	allowed := v.tokens >= 1
	if allowed {
		v.tokens--
	} else {
		v.limitedAt = append(v.limitedAt, now)
	}
	remaining := int(v.tokens)
	full := now.Add(time.Duration((v.burst - v.tokens) / v.limit * float64(time.Second)))
	v.mu.Unlock()
	h := w.Header()
	h.Set("X-Ratelimit-Limit", strconv.Itoa(int(v.burst)))
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-Ratelimit-Reset", strconv.FormatInt(full.Add(time.Second-1).Unix(), 10))
	if !allowed {
		v.limited.Add(1)
		h.Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	v.ok.Add(1)
	h.Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"users":[]}`))
}

// Counts returns the 200, 429 and 401 answers so far.
func (v *Vendor) Counts() (ok, limited, unauthorized int64) {
	return v.ok.Load(), v.limited.Load(), v.unauthorized.Load()
}

// LimitedSince counts the 429s at or after t.
func (v *Vendor) LimitedSince(t time.Time) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := 0
	for _, at := range v.limitedAt {
		if !at.Before(t) {
			n++
		}
	}
	return n
}

// Reset refills the bucket and clears the counters between runs.
func (v *Vendor) Reset() {
	v.mu.Lock()
	v.tokens, v.last, v.limitedAt = v.burst, time.Now(), nil
	v.mu.Unlock()
	v.ok.Store(0)
	v.limited.Store(0)
	v.unauthorized.Store(0)
}
