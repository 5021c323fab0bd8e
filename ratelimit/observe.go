package ratelimit

import (
	"math/rand/v2"
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
	// Reset is when x-ratelimit-reset says the budget refills, or zero.
	// The header holds Unix seconds (Auth0); a value too large for that
	// (after the year 5138) is read as Unix milliseconds, and one too
	// small to be a current time (before 2001) as seconds from now, as in
	// the IETF RateLimit headers (see resetAt).
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
		o.Limit = int(min(lim, maxCount))
	}
	if okR {
		o.Remaining = int(min(rem, maxCount))
	}
	if okT {
		o.Reset, _ = resetAt(reset, now)
	}
	if cq != nil {
		o.ClientQuota = cq
	}
	if oq != nil {
		o.OrganizationQuota = oq
	}
	return true
}

// headerInt reads header k as a non-negative decimal integer: ASCII digits
// only (no sign, no spaces inside), at most 64 of them. Values beyond
// maxHeaderInt saturate there, so a huge number is a huge value, not an
// absent one; every use caps it further.
func headerInt(h http.Header, k string) (int64, bool) {
	v := strings.TrimSpace(h.Get(k))
	if v == "" || len(v) > 64 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = min(n*10+int64(c-'0'), maxHeaderInt)
	}
	return n, true
}

// maxHeaderInt is where headerInt saturates: far beyond any real limit,
// count or time, and small enough that n*10+9 cannot overflow.
const maxHeaderInt = 1 << 58

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
				q.ResetAfter = time.Duration(min(n, maxQuotaReset)) * time.Second
			}
		}
		if ok && q.Bucket != "" && len(q.Bucket) <= 32 && len(out) < 8 {
			out = append(out, q)
		}
	}
	return out
}

// maxCount caps x-ratelimit-limit and -remaining: no vendor budget holds a
// billion requests, and the cap keeps arithmetic on them far from overflow.
const maxCount = 1_000_000_000

// maxQuotaReset caps a token quota bucket's reset, in seconds: a year is
// longer than any Auth0 bucket (per_hour, per_day), and the cap keeps the
// Duration from overflowing.
const maxQuotaReset = 366 * 24 * 3600

// MaxPause is the longest a Transport holds requests back on a vendor's or
// the shared budget's word: a Retry-After, an x-ratelimit-reset, or a
// fleet-wide pause. A longer hint is taken as MaxPause; after it the next
// request asks the vendor again, which costs one request per MaxPause at
// most. It bounds every wait derived from a header or from Redis, so a
// corrupt or misread value (a reset in milliseconds, a year-3000 date)
// cannot stop a fleet for longer.
const MaxPause = time.Minute

// Thresholds of resetAt, in Unix seconds.
const (
	resetMillisFrom = 100_000_000_000 // 5138-11-16: larger values are milliseconds
	resetEpochFrom  = 1_000_000_000   // 2001-09-09: smaller values are seconds from now
)

// resetAt interprets x-ratelimit-reset value n received at now: Unix seconds
// (Auth0, GitHub), Unix milliseconds when n is too large to be seconds, and
// seconds from now when n is too small to be a current Unix time (the IETF
// RateLimit headers' delta-seconds). It reports false for 0. The result is
// at most MaxPause after now; a time already past is returned as is.
func resetAt(n int64, now time.Time) (time.Time, bool) {
	switch {
	case n <= 0:
		return time.Time{}, false
	case n < resetEpochFrom:
		return now.Add(capPause(time.Duration(min(n, int64(MaxPause/time.Second)+1)) * time.Second)), true
	case n >= resetMillisFrom:
		ms := n - now.UnixMilli()
		return now.Add(capPause(time.Duration(min(max(ms, -1), int64(MaxPause/time.Millisecond)+1)) * time.Millisecond)), true
	}
	if n-now.Unix() > int64(MaxPause/time.Second) {
		return now.Add(MaxPause), true
	}
	return time.Unix(n, 0), true
}

// capPause clamps a wait taken from a header or the shared budget to
// [0, MaxPause]. Every such wait goes through it.
func capPause(d time.Duration) time.Duration { return min(max(d, 0), MaxPause) }

// jittered returns d, capped by capPause, plus a random part of up to a
// tenth of it, so that replicas held back by one pause do not all resume
// in the same instant. It never overflows and never passes rand.N a
// non-positive bound.
func jittered(d time.Duration) time.Duration {
	d = capPause(d)
	return d + rand.N(d/10+1)
}

// responsePause is how long a response asks this replica to hold back:
// after a 429, Retry-After (seconds or an HTTP date), else
// x-ratelimit-reset, else pauseAfter429; after another answer whose
// observation o says nothing is left (x-ratelimit-remaining 0), until
// o.Reset. Zero means no pause; the result is at most MaxPause.
func responsePause(status int, h http.Header, o Observation, now time.Time) time.Duration {
	if status != http.StatusTooManyRequests {
		if o.At.Equal(now) && o.Remaining == 0 && o.Reset.After(now) {
			return capPause(o.Reset.Sub(now))
		}
		return 0
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, ok := headerInt(h, "Retry-After"); ok {
			return capPause(time.Duration(min(secs, int64(MaxPause/time.Second)+1)) * time.Second)
		}
		if len(v) <= 64 {
			if at, err := http.ParseTime(v); err == nil {
				return capPause(at.Sub(now))
			}
		}
	}
	if reset, ok := headerInt(h, "X-Ratelimit-Reset"); ok {
		if at, ok := resetAt(reset, now); ok && at.After(now) {
			return capPause(at.Sub(now))
		}
	}
	return pauseAfter429
}
