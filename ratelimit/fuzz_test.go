package ratelimit

import (
	"net/http"
	"testing"
	"time"
)

// FuzzObserveHeaders: whatever the budget headers of an answer hold,
// observe and responsePause do not panic, the pause is in [0, MaxPause],
// jittering it stays in [pause, 1.1·pause], the observed reset is at most
// MaxPause ahead, counts are -1 or within [0, maxCount], and quota resets
// are not negative. Seeds: testdata/fuzz/FuzzObserveHeaders.
func FuzzObserveHeaders(f *testing.F) {
	now := time.Unix(1_700_000_000, 0)
	f.Add(true, "50", "0", "1700000005", "", "b=per_hour;q=100;r=99;t=3540")
	f.Add(false, "50", "0", "1700000005000", "", "")
	f.Add(true, "", "", "32503680000", "99999999999999999999", "")
	f.Add(true, "1", "1", "7", "Fri, 31 Dec 9999 23:59:59 GMT", "b=per_day;q=1;r=0;t=99999999999999999")
	f.Fuzz(func(t *testing.T, limited bool, limit, remaining, reset, retryAfter, quota string) {
		h := http.Header{}
		for k, v := range map[string]string{"X-Ratelimit-Limit": limit, "X-Ratelimit-Remaining": remaining,
			"X-Ratelimit-Reset": reset, "Retry-After": retryAfter, "Auth0-Client-Quota-Limit": quota} {
			if v != "" {
				h.Set(k, v)
			}
		}
		status := http.StatusOK
		if limited {
			status = http.StatusTooManyRequests
		}
		o := Observation{Limit: -1, Remaining: -1}
		observe(&o, h, now)
		p := responsePause(status, h, o, now)
		if p < 0 || p > MaxPause {
			t.Fatalf("pause %v outside [0, %v]", p, MaxPause)
		}
		if j := jittered(p); j < p || j > p+p/10 {
			t.Fatalf("jittered(%v) = %v", p, j)
		}
		if o.Reset.After(now.Add(MaxPause)) {
			t.Fatalf("reset %v more than MaxPause after %v", o.Reset, now)
		}
		if o.Limit < -1 || o.Limit > maxCount || o.Remaining < -1 || o.Remaining > maxCount {
			t.Fatalf("limit %d, remaining %d", o.Limit, o.Remaining)
		}
		for _, q := range o.ClientQuota {
			if q.ResetAfter < 0 || q.Quota < 0 || q.Remaining < 0 {
				t.Fatalf("quota %+v", q)
			}
		}
	})
}
