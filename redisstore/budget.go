package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mgmtapi/mgmtapi/ratelimit"
)

// The budget is GCRA (the generic cell rate algorithm) in reservation form:
// the key holds the theoretical arrival time (TAT) in microseconds of Redis's
// own clock (TIME), so replicas with skewed clocks share one schedule. Each
// call books the next slot and returns how long the caller must wait for it;
// callers never poll. A pause key, set after a 429, holds every caller back
// for its TTL. redis_rate (go-redis/redis_rate) implements GCRA as
// allow/deny only, which would make waiting callers poll Redis; booking needs
// the slot to be taken in the same atomic step.
//
// Every number the script reads back from Redis is checked against
// ARGV[4] (maxAhead, µs): a TAT that is not a number, not finite, or more
// than maxAhead ahead of now, or a pause longer than ratelimit.MaxPause,
// cannot have been written by this package. The script then deletes that
// state and answers {-1, 0}; Reserve returns ErrBudgetState and the caller
// paces locally for that request, and the next call finds an empty budget
// (which ratelimit.Transport seeds). One bad value cannot stop, panic or spin
// a fleet, and it does not stay in Redis.
var reserve = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
local maxahead = tonumber(ARGV[4])
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then
  if paused * 1000 > tonumber(ARGV[5]) then
    redis.call('DEL', KEYS[2])
    return {-1, 0}
  end
  return {0, paused * 1000}
end
local raw = redis.call('GET', KEYS[1])
local tat = now
if raw then
  tat = tonumber(raw)
  if tat == nil or tat ~= tat or tat - now > maxahead then
    redis.call('DEL', KEYS[1])
    return {-1, 0}
  end
end
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > maxwait then return {0, wait} end
local newtat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', newtat), 'PX', math.ceil((newtat - now) / 1000) + 1000)
return {1, wait}
`)

var pause = redis.NewScript(`
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
`)

var seed = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local newtat = now + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', newtat), 'PX', math.ceil((newtat - now) / 1000) + 1000)
return 1
`)

// maxAhead bounds how far ahead of now the schedule may be booked, and so
// every wait Reserve returns: an hour, far beyond any MaxWait or pause a
// ratelimit.Transport uses, and small enough (3.6e9 µs) that no arithmetic
// on it overflows. Rates slower than one request per maxAhead, and
// tolerances, maxWaits and seeds beyond it, are clamped or refused before a
// script runs.
const maxAhead = time.Hour

// ErrBudgetState is returned by Reserve when the budget's state in Redis is
// out of range (a TAT or pause this package cannot have written). The
// state has been deleted; the caller paces on its own for this request.
// It matches ratelimit.ErrSharedReply (errors.Is).
var ErrBudgetState = fmt.Errorf("redisstore: budget state in Redis out of range, cleared: %w", ratelimit.ErrSharedReply)

var _ ratelimit.SharedBudget = (*Store)(nil)

const budgetPrefix = "mgmtapi:budget:"

func budgetKeys(key string) []string {
	return []string{budgetPrefix + key + ":tat", budgetPrefix + key + ":pause"}
}

func micros(d time.Duration) int64 { return d.Microseconds() }

// interval is the time between two slots at rate per second, in µs.
func interval(rate float64) (int64, error) {
	if !(rate > 0) || math.IsInf(rate, 0) || 1e6/rate > float64(micros(maxAhead)) {
		return 0, errors.New("redisstore: budget rate must be positive and at least one request per hour")
	}
	return max(int64(1e6/rate), 1), nil
}

// Reserve implements ratelimit.SharedBudget: it books the next slot of the
// budget key, unless it is more than maxWait away or the fleet is paused,
// and returns the wait until then. maxWait beyond an hour counts as an
// hour.
func (s *Store) Reserve(ctx context.Context, key string, rate float64, burst int, maxWait time.Duration) (time.Duration, bool, error) {
	iv, err := interval(rate)
	if err != nil {
		return 0, false, err
	}
	tolerance := min(iv*int64(min(max(burst-1, 0), math.MaxInt32)), micros(maxAhead))
	maxWait = min(max(maxWait, 0), maxAhead)
	var reply any
	err = s.call(ctx, func(ctx context.Context) error {
		var err error
		reply, err = reserve.Run(ctx, s.rdb, budgetKeys(key), iv, tolerance, micros(maxWait), micros(maxAhead), micros(ratelimit.MaxPause)).Result()
		return err
	})
	if err != nil {
		return 0, false, err
	}
	return reserveReply(reply, maxWait)
}

// reserveReply interprets the reserve script's reply {booked, wait µs} to
// a call with maxWait: booked is 1 or 0 (-1 reports state the script
// cleared, ErrBudgetState), the wait is in [0, maxAhead], at most maxWait
// when booked and above zero when not. Anything else is an error, never a
// wait: the caller paces on its own.
func reserveReply(reply any, maxWait time.Duration) (time.Duration, bool, error) {
	res, ok := reply.([]any)
	if !ok || len(res) != 2 {
		return 0, false, errBudgetReply
	}
	booked, ok1 := res[0].(int64)
	us, ok2 := res[1].(int64)
	if !ok1 || !ok2 {
		return 0, false, errBudgetReply
	}
	if booked == -1 {
		return 0, false, ErrBudgetState
	}
	if (booked != 0 && booked != 1) || us < 0 || us > micros(maxAhead) {
		return 0, false, errBudgetReply
	}
	wait := time.Duration(us) * time.Microsecond
	if (booked == 1 && wait > maxWait) || (booked == 0 && wait == 0) {
		return 0, false, errBudgetReply
	}
	return wait, booked == 1, nil
}

var errBudgetReply = fmt.Errorf("redisstore: unexpected reply from the budget script: %w", ratelimit.ErrSharedReply)

// Pause implements ratelimit.SharedBudget: every replica's next Reserve
// waits d, unless a longer pause is already set. d is capped at
// ratelimit.MaxPause.
func (s *Store) Pause(ctx context.Context, key string, d time.Duration) error {
	ms := min(d, ratelimit.MaxPause).Milliseconds()
	if ms <= 0 {
		return nil
	}
	return s.call(ctx, func(ctx context.Context) error {
		return pause.Run(ctx, s.rdb, budgetKeys(key)[1:], ms).Err()
	})
}

// Seed implements ratelimit.SharedBudget: if the budget key has no state
// (first use, or Redis restarted and lost it) it starts the schedule as if
// spent slots had just been booked, so the fleet resumes at the pace the
// vendor's remaining budget and the requests booked during the outage
// allow instead of bursting. spent is clamped to [0, ratelimit.MaxSeedSlots]
// and the seeded schedule to maxAhead.
func (s *Store) Seed(ctx context.Context, key string, rate float64, burst, spent int) error {
	iv, err := interval(rate)
	if err != nil {
		return err
	}
	spent = min(max(spent, 0), ratelimit.MaxSeedSlots)
	ahead := min(iv*int64(spent), micros(maxAhead))
	return s.call(ctx, func(ctx context.Context) error {
		return seed.Run(ctx, s.rdb, budgetKeys(key)[:1], ahead).Err()
	})
}
