package ratelimit

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Observation is what the vendor last said about the budget, from the
// x-ratelimit-* headers (Auth0 sends them on every response) and Auth0's
// token quota headers.
type Observation struct {
	// At is when the response carrying these values arrived; zero before
	// the first one.
	At time.Time
	// Limit, Remaining are x-ratelimit-limit and x-ratelimit-remaining, or
	// -1 when the vendor did not send them.
	Limit, Remaining int
	// Reset is x-ratelimit-reset (Unix seconds), or zero.
	Reset time.Time
	// ClientQuota is auth0-client-quota-limit, the M2M token quota of the
	// client (buckets per_hour, per_day), or nil. Auth0 sends it on token
	// responses: to see it, also put a Transport (Limit zero is enough)
	// under the auth.Source's token client (auth.WithHTTPClient).
	ClientQuota []Quota
	// OrganizationQuota is auth0-organization-quota-limit, or nil.
	OrganizationQuota []Quota
}

// Quota is one bucket of an Auth0 token quota header
// ("b=per_hour;q=100;r=99;t=3540").
type Quota struct {
	// Bucket names the period, e.g. "per_hour" or "per_day".
	Bucket string
	// Quota is the bucket's size, Remaining what is left of it.
	Quota, Remaining int
	// ResetAfter is the time until the bucket refills.
	ResetAfter time.Duration
}

// observe reads the budget headers of h into o; headers that are absent
// keep their earlier value only for the quota headers (which Auth0 sends on
// token responses alone).
func observe(o *Observation, h http.Header, now time.Time) bool {
	lim, okL := headerInt(h, "X-Ratelimit-Limit")
	rem, okR := headerInt(h, "X-Ratelimit-Remaining")
	reset, okT := headerInt(h, "X-Ratelimit-Reset")
	cq := parseQuota(h.Get("Auth0-Client-Quota-Limit"))
	oq := parseQuota(h.Get("Auth0-Organization-Quota-Limit"))
	if !okL && !okR && !okT && cq == nil && oq == nil {
		return false
	}
	o.At = now
	o.Limit, o.Remaining, o.Reset = -1, -1, time.Time{}
	if okL {
		o.Limit = lim
	}
	if okR {
		o.Remaining = rem
	}
	if okT && reset > 0 {
		o.Reset = time.Unix(int64(reset), 0)
	}
	if cq != nil {
		o.ClientQuota = cq
	}
	if oq != nil {
		o.OrganizationQuota = oq
	}
	return true
}

func headerInt(h http.Header, k string) (int, bool) {
	v := strings.TrimSpace(h.Get(k))
	if v == "" || len(v) > 18 {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// parseQuota parses "b=per_hour;q=100;r=99;t=3540,b=per_day;...". Malformed
// buckets are skipped; at most 8 are kept.
func parseQuota(v string) []Quota {
	if v == "" || len(v) > 1024 {
		return nil
	}
	var out []Quota
	for part := range strings.SplitSeq(v, ",") {
		var q Quota
		ok := true
		for attr := range strings.SplitSeq(part, ";") {
			k, val, found := strings.Cut(strings.TrimSpace(attr), "=")
			if !found {
				continue
			}
			if k == "b" {
				q.Bucket = val
				continue
			}
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				ok = false
				continue
			}
			switch k {
			case "q":
				q.Quota = n
			case "r":
				q.Remaining = n
			case "t":
				q.ResetAfter = time.Duration(n) * time.Second
			}
		}
		if ok && q.Bucket != "" && len(q.Bucket) <= 32 && len(out) < 8 {
			out = append(out, q)
		}
	}
	return out
}

// retryAfter returns the wait a 429 asks for: Retry-After (seconds or an
// HTTP date), else x-ratelimit-reset, else fallback.
func retryAfter(h http.Header, now time.Time, fallback time.Duration) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
			return time.Duration(min(secs, 3600)) * time.Second
		}
		if at, err := http.ParseTime(v); err == nil {
			return min(max(at.Sub(now), 0), time.Hour)
		}
	}
	if reset, ok := headerInt(h, "X-Ratelimit-Reset"); ok && reset > 0 {
		if d := time.Unix(int64(reset), 0).Sub(now); d > 0 {
			return min(d, time.Hour)
		}
	}
	return fallback
}
