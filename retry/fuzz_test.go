package retry

import (
	"math"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// FuzzRetryAfter: whatever Retry-After holds, serverWait does not panic,
// never returns a negative wait, and reads delay-seconds exactly (saturating
// beyond int64). Seeds: testdata/fuzz/FuzzRetryAfter.
func FuzzRetryAfter(f *testing.F) {
	f.Add("7")
	f.Add("99999999999999999999")
	f.Fuzz(func(t *testing.T, v string) {
		resp := &http.Response{StatusCode: 503, Header: http.Header{}}
		resp.Header.Set("Retry-After", v)
		d, ok := serverWait(resp, epoch)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("serverWait(%q) = %v, %v", v, d, ok)
		}
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 && v[0] >= '0' && v[0] <= '9' {
			if want := seconds(n); !ok || d != want {
				t.Fatalf("serverWait(%q) = %v, %v; want %v", v, d, ok, want)
			}
		}
		if _, ok := parseDigits(v); ok && len(v) > 19 && v[0] != '0' && d != math.MaxInt64 {
			t.Fatalf("serverWait(%q) = %v; a 20+ digit delay must saturate", v, d)
		}
		tr := &Transport{MaxWait: time.Second}
		_ = d > tr.maxWait() // the comparison RoundTrip makes must be defined
	})
}

// FuzzRateLimitReset: Auth0's X-RateLimit-Reset on a 429 never yields a
// negative wait or a panic; a reset after now yields a positive wait and
// one before it yields 0. Seeds: testdata/fuzz/FuzzRateLimitReset.
func FuzzRateLimitReset(f *testing.F) {
	f.Add(strconv.FormatInt(epoch.Unix()+2, 10))
	f.Fuzz(func(t *testing.T, v string) {
		resp := &http.Response{StatusCode: 429, Header: http.Header{}}
		resp.Header.Set("X-RateLimit-Reset", v)
		d, ok := serverWait(resp, epoch)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("serverWait(%q) = %v, %v", v, d, ok)
		}
		if n, ok2 := parseDigits(v); ok2 && n > 0 {
			switch {
			case !ok:
				t.Fatalf("reset %q ignored", v)
			case n > epoch.Unix() && d <= 0:
				t.Fatalf("future reset %q gives wait %v", v, d)
			case n <= epoch.Unix() && d != 0:
				t.Fatalf("past reset %q gives wait %v", v, d)
			}
		}
	})
}
