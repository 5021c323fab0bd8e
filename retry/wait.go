package retry

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serverWait returns how long the server asked the client to wait before
// retrying resp, and whether it said so at all. Retry-After (RFC 9110
// section 10.2.3: delay-seconds or an HTTP-date) wins; on a 429 without it,
// Auth0's X-RateLimit-Reset (Unix epoch seconds of the window reset) is
// used. Auth0 sends X-RateLimit-Reset on every response, so it is ignored on
// other statuses. Past times yield 0; malformed values are ignored.
func serverWait(resp *http.Response, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(resp.Header.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
			if secs < 0 {
				return 0, false
			}
			return seconds(secs), true
		}
		if at, err := http.ParseTime(v); err == nil {
			return max(at.Sub(now), 0), true
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if v := strings.TrimSpace(resp.Header.Get("X-RateLimit-Reset")); v != "" {
			if epoch, err := strconv.ParseInt(v, 10, 64); err == nil && epoch > 0 {
				return max(time.Unix(epoch, 0).Sub(now), 0), true
			}
		}
	}
	return 0, false
}

// seconds converts without overflowing for absurd values: anything beyond
// about 292 years saturates, which any MaxWait rejects.
func seconds(n int64) time.Duration {
	const maxSecs = int64(1<<63-1) / int64(time.Second)
	if n > maxSecs {
		return time.Duration(1<<63 - 1)
	}
	return time.Duration(n) * time.Second
}
