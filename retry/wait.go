package retry

import (
	"math"
	"net/http"
	"strings"
	"time"
)

// serverWait returns how long the server asked the client to wait before
// retrying resp, and whether it said so at all. Retry-After (RFC 9110
// section 10.2.3: delay-seconds or an HTTP-date) wins; on a 429 without it,
// Auth0's X-RateLimit-Reset (Unix epoch seconds of the window reset) is
// used. Auth0 sends X-RateLimit-Reset on every response, so it is ignored on
// other statuses. Past times yield 0; malformed values are ignored. A number
// too large for int64 is a valid, very long wait: it saturates to the
// largest Duration, which no MaxWait covers, so the response is returned
// rather than retried.
func serverWait(resp *http.Response, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(resp.Header.Get("Retry-After")); v != "" {
		if secs, ok := parseDigits(v); ok {
			return seconds(secs), true
		}
		if at, err := http.ParseTime(v); err == nil {
			return max(at.Sub(now), 0), true
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if v := strings.TrimSpace(resp.Header.Get("X-RateLimit-Reset")); v != "" {
			if epoch, ok := parseDigits(v); ok && epoch > 0 {
				return untilEpoch(epoch, now), true
			}
		}
	}
	return 0, false
}

// parseDigits parses a non-empty string of ASCII digits (RFC 9110's
// delay-seconds grammar, 1*DIGIT), saturating at math.MaxInt64 instead of
// failing on overflow.
func parseDigits(v string) (int64, bool) {
	if v == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (math.MaxInt64-d)/10 {
			n = math.MaxInt64 // keep scanning: a later non-digit still makes v malformed
			continue
		}
		n = n*10 + d
	}
	return n, true
}

// untilEpoch is the time from now to the Unix time epoch, 0 if it has passed.
// It works in seconds, because time.Unix overflows for epochs beyond about
// year 292 billion and would turn them into the past.
func untilEpoch(epoch int64, now time.Time) time.Duration {
	nowSec := now.Unix()
	if epoch <= nowSec {
		return 0
	}
	d := seconds(epoch - nowSec)
	if d == math.MaxInt64 {
		return d
	}
	return max(d-time.Duration(now.Nanosecond()), 0)
}

// seconds converts without overflowing for absurd values: anything beyond
// about 292 years saturates, which any MaxWait rejects.
func seconds(n int64) time.Duration {
	const maxSecs = int64(math.MaxInt64) / int64(time.Second)
	if n > maxSecs {
		return math.MaxInt64
	}
	return time.Duration(n) * time.Second
}
