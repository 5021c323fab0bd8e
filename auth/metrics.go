package auth

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// Metric names the Source records through the OpenTelemetry metric API
// (WithMeterProvider). Attribute "origin" is an [Origin]; "outcome" is "ok"
// or "error".
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

const meterName = "github.com/mgmtapi/mgmtapi/auth"

// WithMeterProvider makes the Source record the metrics named above with a
// meter from mp (for example otel.GetMeterProvider()). Without it nothing is
// recorded.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(o *options) { o.meterProvider = mp }
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

// metrics holds the instruments of one Source.
type metrics struct {
	fetches   metric.Int64Counter
	duration  metric.Float64Histogram
	waits     metric.Int64Counter
	waitTime  metric.Float64Histogram
	takeovers metric.Int64Counter
	replays   metric.Int64Counter
	sharedErr metric.Int64Counter
	process   metric.MeasurementOption // origin=process, outcome=ok
}

func newMetrics(mp metric.MeterProvider) (*metrics, error) {
	if mp == nil {
		mp = noop.NewMeterProvider()
	}
	mt := mp.Meter(meterName)
	m := &metrics{
		process: metric.WithAttributeSet(attribute.NewSet(
			attribute.String("origin", string(OriginProcess)), attribute.String("outcome", "ok"))),
	}
	var err error
	if m.fetches, err = mt.Int64Counter(MetricTokenFetches, metric.WithDescription("Tokens obtained outside the fresh-token hot path."), metric.WithUnit("{token}")); err != nil {
		return nil, err
	}
	if m.duration, err = mt.Float64Histogram(MetricFetchDuration, metric.WithDescription("Token fetch latency."), metric.WithUnit("s")); err != nil {
		return nil, err
	}
	if m.waits, err = mt.Int64Counter(MetricLeaseWaits, metric.WithDescription("Fetches that waited for another replica's refresh lease."), metric.WithUnit("{wait}")); err != nil {
		return nil, err
	}
	if m.waitTime, err = mt.Float64Histogram(MetricLeaseWaitDuration, metric.WithDescription("Time spent waiting for another replica's refresh lease."), metric.WithUnit("s")); err != nil {
		return nil, err
	}
	if m.takeovers, err = mt.Int64Counter(MetricLeaseTakeovers, metric.WithDescription("Refresh leases taken over after they outlived the lease bound."), metric.WithUnit("{lease}")); err != nil {
		return nil, err
	}
	if m.replays, err = mt.Int64Counter(MetricReplays, metric.WithDescription("Requests replayed once after a 401."), metric.WithUnit("{request}")); err != nil {
		return nil, err
	}
	if m.sharedErr, err = mt.Int64Counter(MetricSharedErrors, metric.WithDescription("Failed shared-store calls (the Source then fetched on its own)."), metric.WithUnit("{error}")); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *metrics) fetched(origin Origin, err error, took time.Duration) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	attrs := metric.WithAttributes(attribute.String("origin", string(origin)), attribute.String("outcome", outcome))
	ctx := context.Background()
	m.fetches.Add(ctx, 1, attrs)
	m.duration.Record(ctx, took.Seconds(), attrs)
}

func (m *metrics) servedFromProcess() { m.fetches.Add(context.Background(), 1, m.process) }

func (m *metrics) leaseWaited(d time.Duration, holder string) {
	attrs := metric.WithAttributes(attribute.String("lease.holder", holder))
	m.waits.Add(context.Background(), 1, attrs)
	m.waitTime.Record(context.Background(), d.Seconds(), attrs)
}

func (m *metrics) leaseTakenOver() { m.takeovers.Add(context.Background(), 1) }

func (m *metrics) replayed(ctx context.Context) { m.replays.Add(ctx, 1) }

func (m *metrics) storeError() { m.sharedErr.Add(context.Background(), 1) }
