package redisstore_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/otelmgmt"
	"github.com/mgmtapi/mgmtapi/redisstore"
)

// A lease that outlives the lease bound does not starve the waiters: a
// lease without expiry (restored from a backup) or one taken with a much
// longer TTL by a replica that died is taken over by exactly one waiter,
// which fetches the one token the fleet then shares. Operators see whose
// lease was waited for (lease.holder) and the takeover. Before the fix the
// waiters polled until their fetch timed out.
func TestSharedStuckLeaseTakenOver(t *testing.T) {
	for _, tt := range []struct {
		name string
		ttl  time.Duration // of the stuck lease; 0: no expiry
	}{
		{"no expiry", 0},
		{"holder with a longer LeaseTTL died", time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := testenv.RedisTB(t)
			ts := tokenServer(t, 300*time.Second)
			reader := sdkmetric.NewManualReader()
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
			t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
			var mu sync.Mutex
			var events []auth.RefreshEvent
			hook := auth.WithRefreshHook(func(ev auth.RefreshEvent) {
				mu.Lock()
				events = append(events, ev)
				mu.Unlock()
			})
			var reps []*replica
			for i := range 5 {
				reps = append(reps, newReplica(t, r, config(ts), auth.SharedCache{LeaseTTL: 300 * time.Millisecond,
					Replica: "rep-" + string(rune('a'+i))}, auth.WithMetrics(otelmgmt.AuthMetrics(mp)), hook))
			}
			// The ghost's lease, under the fleet's lease key (the key names
			// are public: the same for every replica of the identity).
			probe := newReplica(t, r, config(ts), auth.SharedCache{})
			tokenKey := sharedKey(t, probe)
			leaseKey := strings.Replace(tokenKey, ":token:", ":lease:", 1)
			if err := reps[0].rdb.Del(context.Background(), tokenKey).Err(); err != nil {
				t.Fatal(err)
			}
			if err := reps[0].rdb.Set(context.Background(), leaseKey, "ghost-7 0123456789abcdef", tt.ttl).Err(); err != nil {
				t.Fatal(err)
			}
			toks := make([]string, len(reps))
			var wg sync.WaitGroup
			for i, rp := range reps {
				wg.Go(func() { toks[i] = mustToken(t, rp.src) })
			}
			wg.Wait()
			for i := range toks {
				if toks[i] != toks[0] {
					t.Fatalf("replica %d got another token", i)
				}
			}
			if n := tokenRequests(t, ts) - 1; n != 1 { // minus the probe's
				t.Fatalf("%d token requests after the stuck lease, want 1", n)
			}
			got := collect(t, reader)
			if got[auth.MetricLeaseTakeovers] != 1 {
				t.Errorf("%d takeovers, want 1 (%v)", got[auth.MetricLeaseTakeovers], got)
			}
			// Every replica waited; each wait names a replica of the fleet
			// or the ghost, never a raw lease value.
			var waits int64
			for k, v := range got {
				if holder, ok := strings.CutPrefix(k, auth.MetricLeaseWaits+"/lease.holder="); ok {
					waits += v
					if holder != "ghost-7" && !strings.HasPrefix(holder, "rep-") {
						t.Errorf("lease.holder %q", holder)
					}
				}
			}
			if waits != 5 {
				t.Errorf("%d lease waits, want 5 (%v)", waits, got)
			}
			// The one vendor fetch names its own replica as holder.
			var vendor []string
			for _, ev := range events {
				if ev.Origin == auth.OriginVendor {
					vendor = append(vendor, ev.LeaseHolder)
				}
			}
			if len(vendor) != 1 || !strings.HasPrefix(vendor[0], "rep-") {
				t.Errorf("vendor fetches with lease holders %q, want one rep-*", vendor)
			}
		})
	}
}

// Operators see which replica holds the lease: the replica that waits
// reports the holder's name in its refresh event and in the lease.holder
// attribute, the holder reports itself.
func TestSharedLeaseHolderVisible(t *testing.T) {
	r := testenv.RedisTB(t)
	ts := tokenServer(t, 300*time.Second)
	gate := newGate()
	var mu sync.Mutex
	events := map[string]auth.RefreshEvent{}
	hook := func(name string) auth.Option {
		return auth.WithRefreshHook(func(ev auth.RefreshEvent) {
			mu.Lock()
			events[name] = ev
			mu.Unlock()
		})
	}
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	a := newReplica(t, r, config(ts), auth.SharedCache{Replica: "pod-a/1"}, hook("a"), auth.WithHTTPClient(&http.Client{Transport: gate}))
	bStore := &seesLease{seen: make(chan struct{})}
	b := newReplica(t, r, config(ts), auth.SharedCache{Replica: "pod-b/2", Store: bStore}, hook("b"), auth.WithMetrics(otelmgmt.AuthMetrics(mp)))
	bStore.Store = b.store
	var wg sync.WaitGroup
	var ta, tb string
	wg.Go(func() { ta = mustToken(t, a.src) })
	<-gate.arrived // a holds the lease and is asking the vendor
	wg.Go(func() { tb = mustToken(t, b.src) })
	<-bStore.seen // b has seen a's lease
	close(gate.release)
	wg.Wait()
	if ta != tb {
		t.Fatal("b did not take a's token")
	}
	if ev := events["a"]; ev.Origin != auth.OriginVendor || ev.LeaseHolder != "pod-a/1" {
		t.Errorf("a's event: origin %s holder %q, want vendor pod-a/1", ev.Origin, ev.LeaseHolder)
	}
	if ev := events["b"]; ev.Origin != auth.OriginShared || ev.LeaseHolder != "pod-a/1" {
		t.Errorf("b's event: origin %s holder %q, want shared pod-a/1", ev.Origin, ev.LeaseHolder)
	}
	if got := collect(t, reader); got[auth.MetricLeaseWaits+"/lease.holder=pod-a/1"] != 1 {
		t.Errorf("lease waits %v, want one for pod-a/1", got)
	}
}

// A replica whose lease ran out while it was still asking the vendor does
// not overwrite the token that the replica which took over published: an
// older token never replaces a newer one. Before the fix its Set did.
func TestSharedSlowHolderDoesNotOverwrite(t *testing.T) {
	r := testenv.RedisTB(t)
	ts := tokenServer(t, 300*time.Second)
	gate := newGate()
	slow := newReplica(t, r, config(ts), auth.SharedCache{LeaseTTL: 200 * time.Millisecond},
		auth.WithHTTPClient(&http.Client{Transport: gate}))
	var wg sync.WaitGroup
	var tSlow string
	wg.Go(func() { tSlow = mustToken(t, slow.src) })
	<-gate.arrived // slow holds the lease, its token request is held back
	fast := newReplica(t, r, config(ts), auth.SharedCache{LeaseTTL: 200 * time.Millisecond})
	tFast := mustToken(t, fast.src) // after the lease expired or was taken over
	close(gate.release)
	wg.Wait()
	if tSlow == tFast {
		t.Fatal("the slow holder's request did not reach the vendor")
	}
	late := newReplica(t, r, config(ts), auth.SharedCache{})
	if got := mustToken(t, late.src); got != tFast {
		t.Fatal("the slow holder's older token replaced the newer shared one")
	}
	if n := tokenRequests(t, ts); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
}

// A shared token restored without expiry is not served (its end is
// unknown): the next lease holder replaces it, and the fleet shares the
// replacement.
func TestSharedTokenWithoutExpiryReplaced(t *testing.T) {
	r := testenv.RedisTB(t)
	ts := tokenServer(t, 300*time.Second)
	a := newReplica(t, r, config(ts), auth.SharedCache{})
	t1 := mustToken(t, a.src)
	key := sharedKey(t, a)
	if err := a.rdb.Persist(context.Background(), key).Err(); err != nil {
		t.Fatal(err)
	}
	b := newReplica(t, r, config(ts), auth.SharedCache{})
	t2 := mustToken(t, b.src)
	if t2 == t1 {
		t.Fatal("a token without expiry was served")
	}
	if pttl := a.rdb.PTTL(context.Background(), key).Val(); pttl <= 0 {
		t.Fatalf("PTTL %v after the replacement, want > 0", pttl)
	}
	c := newReplica(t, r, config(ts), auth.SharedCache{})
	if got := mustToken(t, c.src); got != t2 {
		t.Fatal("the replacement was not shared")
	}
	if n := tokenRequests(t, ts); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
}

// sharedKey is the fleet's token key, after rp fetched once.
func sharedKey(t *testing.T, rp *replica) string {
	t.Helper()
	mustToken(t, rp.src)
	keys := tokenKeys(t, rp.rdb, "token")
	if len(keys) != 1 {
		t.Fatalf("token keys %v", keys)
	}
	return keys[0]
}

// collect sums the int64 counters by name and attribute set.
func collect(t *testing.T, reader *sdkmetric.ManualReader) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if d, ok := m.Data.(metricdata.Sum[int64]); ok {
				for _, p := range d.DataPoints {
					k := m.Name
					for _, kv := range p.Attributes.ToSlice() {
						k += "/" + string(kv.Key) + "=" + kv.Value.Emit()
					}
					got[k] += p.Value
				}
			}
		}
	}
	return got
}

// gate holds token requests back: arrived is closed when the first one
// arrives, and all go on to the token server once release is closed.
type gate struct {
	arrived, release chan struct{}
	once             sync.Once
	base             http.RoundTripper
}

func newGate() *gate {
	return &gate{arrived: make(chan struct{}), release: make(chan struct{}),
		base: &http.Transport{DisableKeepAlives: true}}
}

func (g *gate) RoundTrip(req *http.Request) (*http.Response, error) {
	g.once.Do(func() { close(g.arrived) })
	select {
	case <-g.release:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	return g.base.RoundTrip(req)
}

// seesLease is a replica's real store that reports when it first read a
// lease held by another replica.
type seesLease struct {
	*redisstore.Store
	seen chan struct{}
	once sync.Once
}

func (s *seesLease) Get(ctx context.Context, key string) ([]byte, time.Duration, error) {
	v, ttl, err := s.Store.Get(ctx, key)
	if err == nil && v != nil && strings.Contains(key, ":lease:") {
		s.once.Do(func() { close(s.seen) })
	}
	return v, ttl, err
}
