package redisstore

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/redis/go-redis/v9"
)

// The budget is GCRA (the generic cell rate algorithm) in reservation form:
// the key holds the theoretical arrival time (TAT) in microseconds of Redis's
// own clock (TIME), so replicas with skewed clocks share one schedule. Each
// call books the next slot and returns how long the caller must wait for it;
// callers never poll. A pause key, set after a 429, holds every caller back
// for its TTL. redis_rate (go-redis/redis_rate) implements GCRA as
// allow/deny only, which would make waiting callers poll Redis; booking needs
// the slot to be taken in the same atomic step.
var reserve = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {0, paused * 1000} end
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
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

const budgetPrefix = "mgmtapi:budget:"

func budgetKeys(key string) []string {
	return []string{budgetPrefix + key + ":tat", budgetPrefix + key + ":pause"}
}

func micros(d time.Duration) int64 { return d.Microseconds() }

// interval is the time between two slots at rate per second, in µs.
func interval(rate float64) (int64, error) {
	if !(rate > 0) || math.IsInf(rate, 0) {
		return 0, errors.New("redisstore: budget rate must be positive")
	}
	return max(int64(1e6/rate), 1), nil
}

// Reserve implements ratelimit.SharedBudget: it books the next slot of the
// budget key, unless it is more than maxWait away or the fleet is paused,
// and returns the wait until then.
func (s *Store) Reserve(ctx context.Context, key string, rate float64, burst int, maxWait time.Duration) (time.Duration, bool, error) {
	iv, err := interval(rate)
	if err != nil {
		return 0, false, err
	}
	tolerance := iv * int64(max(burst-1, 0))
	var wait time.Duration
	var booked bool
	err = s.call(ctx, func(ctx context.Context) error {
		res, err := reserve.Run(ctx, s.rdb, budgetKeys(key), iv, tolerance, micros(maxWait)).Int64Slice()
		if err != nil {
			return err
		}
		if len(res) != 2 {
			return errors.New("unexpected script reply")
		}
		booked, wait = res[0] == 1, time.Duration(res[1])*time.Microsecond
		return nil
	})
	return wait, booked, err
}

// Pause implements ratelimit.SharedBudget: every replica's next Reserve
// waits d, unless a longer pause is already set.
func (s *Store) Pause(ctx context.Context, key string, d time.Duration) error {
	ms := d.Milliseconds()
	if ms <= 0 {
		return nil
	}
	return s.call(ctx, func(ctx context.Context) error {
		return pause.Run(ctx, s.rdb, budgetKeys(key)[1:], ms).Err()
	})
}

// Seed implements ratelimit.SharedBudget: if the budget key has no state
// (first use, or Redis restarted and lost it) it starts the schedule as if
// spent of the burst slots had just been used, so the fleet resumes at the
// pace the vendor's remaining budget allows instead of bursting.
func (s *Store) Seed(ctx context.Context, key string, rate float64, burst, spent int) error {
	iv, err := interval(rate)
	if err != nil {
		return err
	}
	spent = min(max(spent, 0), max(burst, 1))
	return s.call(ctx, func(ctx context.Context) error {
		return seed.Run(ctx, s.rdb, budgetKeys(key)[:1], iv*int64(spent)).Err()
	})
}
