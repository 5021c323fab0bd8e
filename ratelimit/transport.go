// Package ratelimit paces requests to a vendor API so that a fleet of
// replicas stays inside the vendor's rate limit instead of learning it from
// 429 answers.
//
// A [Transport] waits before each request for its slot in a budget of
// Limit × Share requests per second. With a [SharedBudget] (package
// redisstore keeps one in Redis) the slot is booked in one schedule for the
// whole fleet (GCRA), and a 429 pauses every replica; without one, or while
// the shared budget is unreachable, each replica paces itself at
// Limit × Share / Replicas and from the vendor's x-ratelimit-* and
// Retry-After headers. When the shared budget comes back it is seeded with
// the requests this replica booked locally that have not gone yet and with
// the last x-ratelimit-remaining, and for RecoveryGrace the replica keeps to
// its local share as well, so the fleet does not burst into a spent vendor
// budget.
//
// Put it under auth, and both under retry, so that every attempt is paced,
// auth's replay after a 401 included (auth sends the replay through the
// transport it wraps):
//
//	hc := &http.Client{Transport: &retry.Transport{Base: src.Transport(
//		&ratelimit.Transport{Limit: 50, Shared: store})}}
//
// Above auth it paces each request once, and a replay after a 401 goes out
// without a slot.
//
// Every wait taken from a header or from the shared budget is checked and
// capped: a pause at MaxPause, a reset that reads as milliseconds or as
// seconds from now is taken as such, and a shared answer that makes no sense
// (ErrSharedReply) makes the request pace locally, as an outage does.
package ratelimit

import (
	"context"
	"errors"
	"math"
	"net/http"
	"sync"
	"time"
)

// SharedBudget is the fleet-wide part of the budget (redisstore.Store
// implements it on Redis). Implementations must fail fast; an error makes
// the Transport pace on its own.
type SharedBudget interface {
	// Reserve books the next slot of budget key, shared by a fleet
	// sending at most rate requests per second in bursts of at most
	// burst, and returns the wait until the slot. It books nothing when
	// the slot is more than maxWait away or the fleet is paused; the
	// wait is then the time to that slot or the rest of the pause.
	Reserve(ctx context.Context, key string, rate float64, burst int, maxWait time.Duration) (wait time.Duration, booked bool, err error)
	// Pause holds back every replica's next Reserve for d, unless a
	// longer pause is already set.
	Pause(ctx context.Context, key string, d time.Duration) error
	// Seed starts a budget that has no state (first use, or the store
	// lost it) as if spent slots (0 to MaxSeedSlots; more than burst
	// books the schedule ahead of now) had just been used. It leaves a
	// budget that has state alone.
	Seed(ctx context.Context, key string, rate float64, burst, spent int) error
}

// Defaults for zero fields of Transport.
const (
	DefaultShare         = 0.9
	DefaultMaxWait       = 10 * time.Second
	DefaultSharedTimeout = 150 * time.Millisecond
	// pauseAfter429 is the pause after a 429 without any hint.
	pauseAfter429 = time.Second
)

// MaxSeedSlots bounds the spent argument of SharedBudget.Seed.
const MaxSeedSlots = 1 << 20

// ErrOverBudget is returned when a request would have to wait longer than
// MaxWait, or past its context's deadline, for its slot.
var ErrOverBudget = errors.New("ratelimit: request would wait longer than allowed for its budget slot")

// Transport is an http.RoundTripper that paces requests (see the package
// documentation). Set its fields before first use and do not copy it
// afterwards; it is safe for concurrent use.
type Transport struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Limit is the vendor's sustained limit in requests per second for
	// this budget. Zero turns pacing by rate off, and with it Shared: only
	// this process's 429s and x-ratelimit-remaining: 0 make requests wait.
	Limit float64
	// Share is the part of Limit this fleet may use, in (0, 1]; zero
	// means DefaultShare.
	Share float64
	// Burst is how many requests may go at once after a quiet period;
	// zero means a tenth of a second's worth (at least 1).
	Burst int
	// Replicas is the fleet size assumed while the shared budget is
	// unreachable (each replica then takes Limit × Share / Replicas);
	// zero means 1. For an autoscaled fleet, set the autoscaler's
	// maximum: the fleet then stays under the limit during an outage at
	// any size, at the cost of pacing below it when smaller. The count is
	// not learned from the shared budget because it is needed exactly
	// when that budget cannot be reached; see docs/fleet.md.
	Replicas int
	// Shared is the fleet-wide budget; nil paces this process alone.
	Shared SharedBudget
	// Key names the budget in Shared; empty means the request's host.
	Key string
	// MaxWait bounds one request's wait; zero means DefaultMaxWait.
	MaxWait time.Duration
	// SharedTimeout bounds each call to Shared; zero means
	// DefaultSharedTimeout.
	SharedTimeout time.Duration
	// Metrics receives what the Transport counts (for OpenTelemetry:
	// otelmgmt.RateLimitMetrics(mp)); nil records nothing.
	Metrics Metrics

	once sync.Once
	m    Metrics

	mu          sync.Mutex
	obs         Observation
	pauseUntil  time.Time // local pause after a 429 or remaining 0
	nextLocal   time.Time // local GCRA schedule
	sharedDown  bool      // the last Shared call failed
	recoveredAt time.Time // when Shared answered again after failing
}

// Observed returns what the vendor last said about the budget.
func (t *Transport) Observed() Observation {
	t.mu.Lock()
	defer t.mu.Unlock()
	o := t.obs
	if o.At.IsZero() {
		o.Limit, o.Remaining = -1, -1
	}
	return o
}

// RoundTrip waits for the request's slot, sends it, and learns from the
// answer.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.once.Do(t.init)
	ctx := req.Context()
	waited, err := t.wait(ctx, t.key(req))
	t.m.Waited(ctx, waited, err)
	spanEvent(ctx, waited, err)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	t.mu.Lock()
	observe(&t.obs, resp.Header, now)
	pause := responsePause(resp.StatusCode, resp.Header, t.obs, now)
	if pause > 0 && now.Add(pause).After(t.pauseUntil) {
		t.pauseUntil = now.Add(pause)
	}
	t.mu.Unlock()
	if resp.StatusCode == http.StatusTooManyRequests {
		t.m.Limited(ctx)
		if t.Shared != nil && t.Limit > 0 {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.sharedTimeout())
			if t.Shared.Pause(sctx, t.key(req), pause) != nil {
				t.markShared(false)
			}
			cancel()
		}
	}
	return resp, nil
}

func (t *Transport) init() {
	t.m = t.Metrics
	if t.m == nil {
		t.m = noMetrics{}
	}
}

func (t *Transport) key(req *http.Request) string {
	if t.Key != "" {
		return t.Key
	}
	return req.URL.Host
}

func (t *Transport) rate() float64 {
	share := t.Share
	if !(share > 0 && share <= 1) {
		share = DefaultShare
	}
	return t.Limit * share
}

func (t *Transport) burst() int {
	if t.Burst > 0 {
		return t.Burst
	}
	return max(int(t.rate()/10), 1)
}

func (t *Transport) maxWait() time.Duration {
	if t.MaxWait > 0 {
		return t.MaxWait
	}
	return DefaultMaxWait
}

func (t *Transport) sharedTimeout() time.Duration {
	if t.SharedTimeout > 0 {
		return t.SharedTimeout
	}
	return DefaultSharedTimeout
}

// wait blocks until the request may go and returns how long that took.
// Every round of its loop either sleeps (at least minPauseRound while
// paused), returns, or falls back from the shared budget to local pacing,
// whose answer ends the loop: it cannot spin.
func (t *Transport) wait(ctx context.Context, key string) (time.Duration, error) {
	start := time.Now()
	deadline := start.Add(t.maxWait())
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	for {
		now := time.Now()
		t.mu.Lock()
		pauseUntil := t.pauseUntil
		t.mu.Unlock()
		if now.Before(pauseUntil) {
			// Spread the resumption over a tenth of the pause.
			if err := sleep(ctx, max(jittered(pauseUntil.Sub(now)), minPauseRound), deadline); err != nil {
				return time.Since(start), err
			}
			continue
		}
		if t.Limit <= 0 {
			return time.Since(start), nil
		}
		if t.Shared != nil {
			d, ok, err := t.reserveShared(ctx, key, deadline.Sub(now))
			if err == nil {
				if !ok {
					if d > deadline.Sub(now) {
						return time.Since(start), ErrOverBudget
					}
					// Fleet paused: wait it out, then book.
					if err := sleep(ctx, max(jittered(d), minPauseRound), deadline); err != nil {
						return time.Since(start), err
					}
					continue
				}
				if t.recovering(now) {
					// Other replicas may still pace locally: keep to
					// this replica's local share as well.
					dl, ok := t.reserveLocal(now, deadline.Sub(now))
					if !ok {
						return time.Since(start), ErrOverBudget
					}
					d = max(d, dl)
				}
				err := sleep(ctx, d, deadline.Add(time.Nanosecond))
				return time.Since(start), err // after the sleep: the wait includes it
			}
			t.m.FellBack(ctx, err)
		}
		d, ok := t.reserveLocal(now, deadline.Sub(now))
		if !ok {
			return time.Since(start), ErrOverBudget
		}
		err := sleep(ctx, d, deadline.Add(time.Nanosecond))
		return time.Since(start), err
	}
}

// minPauseRound is the shortest sleep of a paused round of wait, so that a
// pause about to end cannot turn into a loop of calls to Shared.
const minPauseRound = time.Millisecond

// ErrSharedReply is the error a Transport records (MetricSharedFallback,
// reason "invalid") when its SharedBudget answers something that makes no
// sense: a negative wait, a booked slot beyond the maxWait asked for, or
// neither a slot nor a wait. The request is then paced locally, as after
// any other failure of the shared budget.
var ErrSharedReply = errors.New("ratelimit: invalid answer from the shared budget")

// checkReserve validates an answer of SharedBudget.Reserve called with
// maxWait.
func checkReserve(d time.Duration, booked bool, maxWait time.Duration) error {
	if d < 0 || (booked && d > maxWait) || (!booked && d == 0) {
		return ErrSharedReply
	}
	return nil
}

// reserveShared books a slot in the shared budget, seeding it first after
// an outage. An error, or an answer checkReserve refuses, means "pace
// locally".
func (t *Transport) reserveShared(ctx context.Context, key string, maxWait time.Duration) (time.Duration, bool, error) {
	sctx, cancel := context.WithTimeout(ctx, t.sharedTimeout())
	defer cancel()
	maxWait = max(maxWait, 0)
	t.mu.Lock()
	down := t.sharedDown
	spent := 0
	if down {
		spent = t.spentLocally(time.Now())
	}
	t.mu.Unlock()
	if down {
		// Back after an outage: the store may have lost the schedule;
		// start it where this replica's local schedule and the vendor's
		// budget are.
		if err := t.Shared.Seed(sctx, key, t.rate(), t.burst(), spent); err != nil {
			t.markShared(false)
			return 0, false, err
		}
	}
	d, ok, err := t.Shared.Reserve(sctx, key, t.rate(), t.burst(), maxWait)
	if err == nil {
		err = checkReserve(d, ok, maxWait)
	}
	t.markShared(err == nil)
	if down && err == nil {
		t.mu.Lock()
		t.recoveredAt = time.Now()
		t.mu.Unlock()
	}
	return d, ok, err
}

// RecoveryGrace is how long a replica keeps to its local share (Limit ×
// Share / Replicas) as well as to the shared schedule after the shared
// budget came back. The other replicas notice the recovery one by one
// (redisstore's breaker lets each probe after a jittered cool-down of up
// to 0.5 s) and pace locally until then; a replica that booked the full
// shared rate meanwhile would add its bookings to theirs.
const RecoveryGrace = time.Second

// recovering reports whether the shared budget came back less than
// RecoveryGrace ago.
func (t *Transport) recovering(now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.recoveredAt.IsZero() && now.Sub(t.recoveredAt) < RecoveryGrace
}

// spentLocally is the Seed argument after an outage, in slots of the
// shared schedule: the slots this replica booked locally that are still
// ahead of now (requests waiting to go), scaled to the fleet on the
// assumption that every replica paced itself alike, plus the part of the
// burst the vendor's last x-ratelimit-remaining says is used up. Without
// the first part, the fleet's locally booked requests and the fresh shared
// schedule's burst would go out together. t.mu must be held.
func (t *Transport) spentLocally(now time.Time) int {
	rate, burst := t.rate(), t.burst()
	spent := 0
	if ahead := t.nextLocal.Sub(now); ahead > 0 {
		// ahead × rate slots of the fleet's schedule, capped at what
		// Seed accepts.
		spent = int(min(math.Ceil(ahead.Seconds()*rate), float64(MaxSeedSlots)))
	}
	if o := t.obs; o.Remaining >= 0 {
		left := int(float64(o.Remaining) * rate / max(float64(o.Limit), rate))
		spent += burst - min(left, burst)
	}
	return min(spent, MaxSeedSlots)
}

func (t *Transport) markShared(ok bool) {
	t.mu.Lock()
	t.sharedDown = !ok
	t.mu.Unlock()
}

// reserveLocal books a slot in this process's schedule at this replica's
// part of the rate, unless it is more than maxWait away.
func (t *Transport) reserveLocal(now time.Time, maxWait time.Duration) (time.Duration, bool) {
	replicas := max(t.Replicas, 1)
	iv := time.Duration(float64(time.Second) * float64(replicas) / t.rate())
	tolerance := iv * time.Duration(max(t.burst()/replicas-1, 0))
	t.mu.Lock()
	defer t.mu.Unlock()
	tat := t.nextLocal
	if tat.Before(now) {
		tat = now
	}
	wait := max(tat.Add(-tolerance).Sub(now), 0)
	if wait > maxWait {
		return wait, false
	}
	t.nextLocal = tat.Add(iv)
	return wait, true
}

// sleep waits d, or returns ErrOverBudget if that passes deadline, or the
// context's error.
func sleep(ctx context.Context, d time.Duration, deadline time.Time) error {
	if d <= 0 {
		return ctx.Err()
	}
	if time.Now().Add(d).After(deadline) {
		return ErrOverBudget
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}
