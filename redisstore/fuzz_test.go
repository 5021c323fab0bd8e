package redisstore

import (
	"errors"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/ratelimit"
)

// FuzzBudgetReply: whatever the reserve script answers (any integers, a
// string, a nil, too few or too many elements), reserveReply does not
// panic, and either returns an error matching ratelimit.ErrSharedReply or
// a wait the Transport can use: in [0, maxAhead], at most maxWait when
// booked, above zero when not. Seeds: testdata/fuzz/FuzzBudgetReply.
func FuzzBudgetReply(f *testing.F) {
	f.Add(uint8(0), int64(1), int64(1500), "", int64(time.Second))
	f.Add(uint8(0), int64(0), int64(-9223372036854775808), "", int64(time.Second))
	f.Add(uint8(0), int64(0), int64(1e18), "", int64(time.Second))
	f.Add(uint8(0), int64(-1), int64(0), "", int64(time.Second))
	f.Add(uint8(1), int64(1), int64(0), "1500", int64(0))
	f.Fuzz(func(t *testing.T, shape uint8, a, b int64, s string, maxWait int64) {
		var reply any
		switch shape % 6 {
		case 0:
			reply = []any{a, b}
		case 1:
			reply = []any{a, s}
		case 2:
			reply = []any{a}
		case 3:
			reply = []any{a, b, a}
		case 4:
			reply = []any{nil, b}
		default:
			reply = s
		}
		mw := min(max(time.Duration(maxWait), 0), maxAhead) // as Reserve clamps it
		wait, booked, err := reserveReply(reply, mw)
		if err != nil {
			if !errors.Is(err, ratelimit.ErrSharedReply) || wait != 0 || booked {
				t.Fatalf("reserveReply(%#v) = %v, %v, %v", reply, wait, booked, err)
			}
			return
		}
		if wait < 0 || wait > maxAhead || (booked && wait > mw) || (!booked && wait == 0) {
			t.Fatalf("reserveReply(%#v, %v) = %v, %v", reply, mw, wait, booked)
		}
	})
}
