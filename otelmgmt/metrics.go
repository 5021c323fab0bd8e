package otelmgmt

import (
	"context"
	"errors"
	"time"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/ratelimit"
	"github.com/mgmtapi/mgmtapi/retry"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// Instrumentation scopes of the fleet metrics, one per package that counts.
const (
	authScope      = "github.com/mgmtapi/mgmtapi/auth"
	ratelimitScope = "github.com/mgmtapi/mgmtapi/ratelimit"
)

// An instrument that cannot be created (a provider's error) records
// nothing: metrics never stop a Source or a Transport.
func counter(m metric.Meter, name, desc, unit string) metric.Int64Counter {
	c, err := m.Int64Counter(name, metric.WithDescription(desc), metric.WithUnit(unit))
	if err != nil {
		c, _ = noop.Meter{}.Int64Counter(name)
	}
	return c
}

func histogram(m metric.Meter, name, desc string) metric.Float64Histogram {
	h, err := m.Float64Histogram(name, metric.WithDescription(desc), metric.WithUnit("s"))
	if err != nil {
		h, _ = noop.Meter{}.Float64Histogram(name)
	}
	return h
}

// authMetrics records a Source's auth.Metrics.
type authMetrics struct {
	fetches   metric.Int64Counter
	duration  metric.Float64Histogram
	waits     metric.Int64Counter
	waitTime  metric.Float64Histogram
	takeovers metric.Int64Counter
	replays   metric.Int64Counter
	sharedErr metric.Int64Counter
	stale     metric.MeasurementOption // origin=process, outcome=ok
}

// AuthMetrics records a token Source's counts (auth.WithMetrics) as the
// metrics auth names (auth.MetricTokenFetches and the others), with a meter
// from mp (otel.GetMeterProvider() when nil).
//
//	src, err := auth.New(cfg, auth.WithMetrics(otelmgmt.AuthMetrics(mp)))
func AuthMetrics(mp metric.MeterProvider) auth.Metrics {
	mt := meter(mp, authScope)
	return &authMetrics{
		fetches:   counter(mt, auth.MetricTokenFetches, "Tokens obtained outside the fresh-token hot path.", "{token}"),
		duration:  histogram(mt, auth.MetricFetchDuration, "Token fetch latency."),
		waits:     counter(mt, auth.MetricLeaseWaits, "Fetches that waited for another replica's refresh lease.", "{wait}"),
		waitTime:  histogram(mt, auth.MetricLeaseWaitDuration, "Time spent waiting for another replica's refresh lease."),
		takeovers: counter(mt, auth.MetricLeaseTakeovers, "Refresh leases taken over after they outlived the lease bound.", "{lease}"),
		replays:   counter(mt, auth.MetricReplays, "Requests replayed once after a 401.", "{request}"),
		sharedErr: counter(mt, auth.MetricSharedErrors, "Failed shared-store calls (the Source then fetched on its own).", "{error}"),
		stale: metric.WithAttributeSet(attribute.NewSet(
			attribute.String("origin", string(auth.OriginProcess)), attribute.String("outcome", "ok"))),
	}
}

func (m *authMetrics) Fetched(origin auth.Origin, err error, took time.Duration) {
	attrs := metric.WithAttributes(attribute.String("origin", string(origin)), attribute.String("outcome", outcome(err)))
	ctx := context.Background()
	m.fetches.Add(ctx, 1, attrs)
	m.duration.Record(ctx, took.Seconds(), attrs)
}

func (m *authMetrics) ServedStale() { m.fetches.Add(context.Background(), 1, m.stale) }

func (m *authMetrics) LeaseWaited(holder string, d time.Duration) {
	attrs := metric.WithAttributes(attribute.String("lease.holder", holder))
	m.waits.Add(context.Background(), 1, attrs)
	m.waitTime.Record(context.Background(), d.Seconds(), attrs)
}

func (m *authMetrics) LeaseTakenOver() { m.takeovers.Add(context.Background(), 1) }

func (m *authMetrics) Replayed(ctx context.Context) { m.replays.Add(context.WithoutCancel(ctx), 1) }

func (m *authMetrics) SharedStoreFailed() { m.sharedErr.Add(context.Background(), 1) }

// rateMetrics records a ratelimit.Transport's ratelimit.Metrics.
type rateMetrics struct {
	wait     metric.Float64Histogram
	limited  metric.Int64Counter
	fallback metric.Int64Counter
}

// RateLimitMetrics records a ratelimit.Transport's counts
// (Transport.Metrics) as ratelimit.MetricBudgetWait, MetricLimited and
// MetricSharedFallback, with a meter from mp (otel.GetMeterProvider() when
// nil).
func RateLimitMetrics(mp metric.MeterProvider) ratelimit.Metrics {
	mt := meter(mp, ratelimitScope)
	return &rateMetrics{
		wait:     histogram(mt, ratelimit.MetricBudgetWait, "Time requests waited for their budget slot."),
		limited:  counter(mt, ratelimit.MetricLimited, "429 Too Many Requests answers.", "{response}"),
		fallback: counter(mt, ratelimit.MetricSharedFallback, "Requests paced locally because the shared budget failed.", "{request}"),
	}
}

func (m *rateMetrics) Waited(ctx context.Context, d time.Duration, err error) {
	m.wait.Record(context.WithoutCancel(ctx), d.Seconds(), metric.WithAttributes(attribute.String("outcome", outcome(err))))
}

func (m *rateMetrics) Limited(ctx context.Context) { m.limited.Add(context.WithoutCancel(ctx), 1) }

func (m *rateMetrics) FellBack(ctx context.Context, err error) {
	reason := "error"
	if errors.Is(err, ratelimit.ErrSharedReply) {
		reason = "invalid"
	}
	m.fallback.Add(context.WithoutCancel(ctx), 1, metric.WithAttributes(attribute.String("reason", reason)))
}

// RetryMetrics returns a function for retry.Transport.OnRetry that counts
// retries as ratelimit.MetricRetries, with attribute status (0 after a
// network error), with a meter from mp (otel.GetMeterProvider() when nil).
func RetryMetrics(mp metric.MeterProvider) func(retry.Event) {
	c := counter(meter(mp, ratelimitScope), ratelimit.MetricRetries, "Retries of retry.Transport.", "{retry}")
	return func(ev retry.Event) {
		c.Add(context.Background(), 1, metric.WithAttributes(attribute.Int("status", ev.StatusCode)))
	}
}

func outcome(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

// meter returns the meter of scope from mp, or from the global provider.
func meter(mp metric.MeterProvider, scope string) metric.Meter {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	return mp.Meter(scope)
}
