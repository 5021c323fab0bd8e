package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

// The refresh lease of the shared cache: its TTL, its value (which names
// the replica holding it) and how long a replica waits for another's.

// leaseWait follows one fetch's wait for other replicas' leases.
type leaseWait struct {
	start     time.Time // first wait, zero if none
	holder    []byte    // the lease value seen last
	since     time.Time // when holder was first seen
	holders   int       // distinct holders seen
	takeovers int
}

type waitStep int

const (
	waitOn waitStep = iota
	takeOver
	goAlone
)

// Limits of one fetch's wait: after this many takeovers, or this many
// distinct holders none of which published a token, the fetch goes to the
// vendor alone.
const (
	maxTakeovers   = 2
	maxLeaseRounds = 4
)

// observe records that holder holds the lease at now and says what to do.
func (w *leaseWait) observe(holder []byte, now time.Time, bound time.Duration) waitStep {
	if w.start.IsZero() {
		w.start = now
	}
	if holder == nil {
		return waitOn // released or expired meanwhile
	}
	if !bytes.Equal(holder, w.holder) {
		w.holder, w.since = bytes.Clone(holder), now
		if w.holders++; w.holders > maxLeaseRounds {
			return goAlone
		}
		return waitOn
	}
	if now.Sub(w.since) <= bound {
		return waitOn
	}
	if w.takeovers++; w.takeovers > maxTakeovers {
		return goAlone
	}
	w.since = now
	return takeOver
}

// name is the replica name of the holder waited for ("" if none).
func (w *leaseWait) name() string {
	if w.holder == nil {
		return ""
	}
	return holderName(w.holder)
}

// leaseTTL is the lease to take now: LeaseTTL, or less for short-lived
// tokens (see SharedCache.LeaseTTL).
func (sh *shared) leaseTTL() time.Duration {
	return leaseFor(time.Duration(sh.life.Load()), sh.leaseMax, sh.fraction, sh.jitter)
}

// leaseFor derives the lease TTL from a token's full lifetime (0: unknown):
// half the shortest stale window minus the expiry margin, in [MinLeaseTTL,
// max]. Without background refresh (fraction 0) callers wait for the fetch
// anyway, and the lease is max.
func leaseFor(full, limit time.Duration, fraction, jitter float64) time.Duration {
	if full <= 0 || fraction == 0 {
		return limit
	}
	stale := time.Duration(float64(full)*fraction*(1-jitter)) - expiryMargin(full)
	return min(max(stale/2, MinLeaseTTL), limit)
}

// leaseValue is this fetch's lease value: the replica name, a space and 32
// random hex digits, so that a lease is deleted only by its taker.
func (sh *shared) leaseValue() []byte {
	var n [16]byte
	_, _ = rand.Read(n[:])
	return fmt.Appendf(nil, "%s %x", sh.replica, n)
}

// holderName returns the replica name in a lease value read from the store,
// or "unknown" if it is not one this package writes: the value is not
// trusted, and it ends up in metric attributes.
func holderName(v []byte) string {
	i := bytes.LastIndexByte(v, ' ')
	if i < 0 || !validReplica(string(v[:i])) {
		return "unknown"
	}
	return string(v[:i])
}

func validReplica(s string) bool {
	if s == "" || len(s) > maxReplicaLen {
		return false
	}
	for i := range len(s) {
		if !replicaByte(s[i]) {
			return false
		}
	}
	return true
}

func replicaByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._:/@-", c) >= 0
}

// defaultReplica is "<hostname>/<pid>", with bytes outside the allowed set
// replaced and the hostname shortened to fit.
func defaultReplica() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	pid := "/" + strconv.Itoa(os.Getpid())
	b := []byte(host[:min(len(host), maxReplicaLen-len(pid))])
	for i, c := range b {
		if !replicaByte(c) {
			b[i] = '_'
		}
	}
	return string(b) + pid
}

// pause waits one jittered lease-poll interval.
func pause(ctx context.Context) error {
	t := time.NewTimer(leasePoll/2 + mrand.N(leasePoll))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
