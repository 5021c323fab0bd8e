package redisstore

import (
	"errors"
	"math/rand/v2"
	"sync"
	"time"
)

// ErrUnavailable is returned without contacting Redis while the breaker is
// open, after calls failed. Callers then act on their own (auth fetches its
// own token, ratelimit paces from response headers).
var ErrUnavailable = errors.New("redisstore: Redis unavailable (breaker open)")

// breaker opens after two failed calls in a row and lets one probe through
// after a jittered cool-down, so that N replicas do not all probe a recovering Redis
// in the same instant.
type breaker struct {
	cooldown time.Duration

	mu        sync.Mutex
	openUntil time.Time // zero while closed
	fails     int       // failed calls in a row
	probing   bool      // a half-open probe is running
}

// allow reports whether a call may go to Redis now.
func (b *breaker) allow(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openUntil.IsZero() {
		return true
	}
	if now.Before(b.openUntil) || b.probing {
		return false
	}
	b.probing = true
	return true
}

// breakerThreshold is how many failed calls in a row open the breaker: one
// timed-out call under load is not an outage.
const breakerThreshold = 2

// done records a call's outcome. A failure (re)opens the breaker for a
// cool-down drawn from [cooldown, 2·cooldown).
func (b *breaker) done(ok bool, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ok {
		b.openUntil, b.probing, b.fails = time.Time{}, false, 0
		return
	}
	b.probing = false
	if b.fails++; b.fails < breakerThreshold && b.openUntil.IsZero() {
		return
	}
	b.openUntil = now.Add(b.cooldown + rand.N(b.cooldown))
}
