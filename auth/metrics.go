package auth

import (
	"context"
	"time"
)

// Metric names package otelmgmt records a Source's Metrics under
// (otelmgmt.AuthMetrics). Attribute "origin" is an [Origin]; "outcome" is
// "ok" or "error".
const (
	// MetricTokenFetches counts tokens obtained by the slow path: from the
	// vendor, from the shared cache, or from the process cache while a
	// refresh runs (the fresh-token hot path is not counted, it stays one
	// atomic load). Attributes origin and outcome.
	MetricTokenFetches = "mgmtapi.auth.token.fetches"
	// MetricFetchDuration is the latency of a token fetch in seconds,
	// lease waits included. Attributes origin and outcome.
	MetricFetchDuration = "mgmtapi.auth.token.fetch.duration"
	// MetricLeaseWaits counts fetches that waited for another replica's
	// refresh lease. Attribute "lease.holder" names the replica waited for
	// (SharedCache.Replica; "unknown" for a lease value this package did
	// not write).
	MetricLeaseWaits = "mgmtapi.auth.lease.waits"
	// MetricLeaseWaitDuration is how long those fetches waited, in seconds.
	// Attribute "lease.holder" as for MetricLeaseWaits.
	MetricLeaseWaitDuration = "mgmtapi.auth.lease.wait.duration"
	// MetricLeaseTakeovers counts leases deleted by a waiting replica
	// because they outlived the lease bound (a holder that died with a
	// longer LeaseTTL, a lease without expiry).
	MetricLeaseTakeovers = "mgmtapi.auth.lease.takeovers"
	// MetricReplays counts requests replayed after a 401 by Transport.
	MetricReplays = "mgmtapi.auth.replays"
	// MetricSharedErrors counts shared-store calls that failed; the Source
	// then fetched on its own.
	MetricSharedErrors = "mgmtapi.auth.shared.errors"
)

// Metrics receives what a Source counts (WithMetrics). Package otelmgmt
// records it with OpenTelemetry (otelmgmt.AuthMetrics); any other metrics
// library can implement it. The methods are called on the goroutine that
// saw the event and must return quickly. Nothing passed holds a token or a
// credential.
type Metrics interface {
	// Fetched: a token fetch finished, from the vendor or the shared
	// cache (origin), after took, lease waits included; err is its failure.
	Fetched(origin Origin, err error, took time.Duration)
	// ServedStale: a caller got the process cache's token while a refresh
	// runs (OriginProcess); the fresh-token hot path calls nothing.
	ServedStale()
	// LeaseWaited: a fetch waited for another replica's refresh lease,
	// held by holder (SharedCache.Replica, "unknown" when not ours).
	LeaseWaited(holder string, waited time.Duration)
	// LeaseTakenOver: a waiting replica deleted a lease that outlived the
	// lease bound.
	LeaseTakenOver()
	// Replayed: Transport replayed a request after a 401.
	Replayed(ctx context.Context)
	// SharedStoreFailed: a shared-store call failed; the Source fetches
	// on its own.
	SharedStoreFailed()
}

// WithMetrics makes the Source report to m what the metric names above
// count (for OpenTelemetry: otelmgmt.AuthMetrics(mp)). Without it nothing is
// recorded.
func WithMetrics(m Metrics) Option {
	return func(o *options) { o.metrics = m }
}

// RefreshEvent describes one finished token fetch, for WithRefreshHook. It
// never holds the token.
type RefreshEvent struct {
	// Origin is where the token came from: OriginShared or OriginVendor.
	Origin Origin
	// LeaseHolder names the replica (SharedCache.Replica) that held the
	// refresh lease: the one this fetch waited for, or this replica when
	// it fetched from the vendor itself. Empty without WithSharedCache
	// or when the fetch neither waited nor took the lease.
	LeaseHolder string
	// Background is true for a refresh while the old token was still
	// served, false when callers waited.
	Background bool
	// Took is the fetch's duration, lease waits included.
	Took time.Duration
	// Lifetime is the remaining lifetime of the new token.
	Lifetime time.Duration
	// Err is the failure, or nil.
	Err error
}

// WithRefreshHook calls f after every token fetch, successful or not, on the
// fetching goroutine; f must return quickly.
func WithRefreshHook(f func(RefreshEvent)) Option {
	return func(o *options) { o.refreshHook = f }
}

// noMetrics is the Metrics of a Source without WithMetrics.
type noMetrics struct{}

func (noMetrics) Fetched(Origin, error, time.Duration) {}
func (noMetrics) ServedStale()                         {}
func (noMetrics) LeaseWaited(string, time.Duration)    {}
func (noMetrics) LeaseTakenOver()                      {}
func (noMetrics) Replayed(context.Context)             {}
func (noMetrics) SharedStoreFailed()                   {}
