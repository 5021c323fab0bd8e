package ratelimit

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"

	"github.com/mgmtapi/mgmtapi/retry"
)

// Metric names recorded through the OpenTelemetry metric API.
const (
	// MetricBudgetWait is the time requests waited for their slot, in
	// seconds; attribute outcome is "ok" or "error".
	MetricBudgetWait = "mgmtapi.ratelimit.wait.duration"
	// MetricLimited counts 429 answers.
	MetricLimited = "mgmtapi.ratelimit.limited"
	// MetricSharedFallback counts requests paced locally because the
	// shared budget failed; attribute reason is "invalid" when it
	// answered nonsense (ErrSharedReply), else "error".
	MetricSharedFallback = "mgmtapi.ratelimit.shared.fallback"
	// MetricRetries counts retries of retry.Transport (see RetryHook),
	// with attribute status (0 after a network error).
	MetricRetries = "mgmtapi.retry.retries"
)

const meterName = "github.com/mgmtapi/mgmtapi/ratelimit"

type metrics struct {
	wait     metric.Float64Histogram
	limited  metric.Int64Counter
	fallback metric.Int64Counter
}

func newMetrics(mp metric.MeterProvider) *metrics {
	if mp == nil {
		mp = noop.NewMeterProvider()
	}
	mt := mp.Meter(meterName)
	m := &metrics{}
	var err error
	if m.wait, err = mt.Float64Histogram(MetricBudgetWait, metric.WithDescription("Time requests waited for their budget slot."), metric.WithUnit("s")); err != nil {
		m.wait, _ = noop.Meter{}.Float64Histogram(MetricBudgetWait)
	}
	if m.limited, err = mt.Int64Counter(MetricLimited, metric.WithDescription("429 Too Many Requests answers."), metric.WithUnit("{response}")); err != nil {
		m.limited, _ = noop.Meter{}.Int64Counter(MetricLimited)
	}
	if m.fallback, err = mt.Int64Counter(MetricSharedFallback, metric.WithDescription("Requests paced locally because the shared budget failed."), metric.WithUnit("{request}")); err != nil {
		m.fallback, _ = noop.Meter{}.Int64Counter(MetricSharedFallback)
	}
	return m
}

func (m *metrics) waited(ctx context.Context, d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.wait.Record(context.WithoutCancel(ctx), d.Seconds(), metric.WithAttributes(attribute.String("outcome", outcome)))
}

func (m *metrics) fellBack(ctx context.Context, err error) {
	reason := "error"
	if errors.Is(err, ErrSharedReply) {
		reason = "invalid"
	}
	m.fallback.Add(context.WithoutCancel(ctx), 1, metric.WithAttributes(attribute.String("reason", reason)))
}

func (m *metrics) limited429(ctx context.Context) { m.limited.Add(context.WithoutCancel(ctx), 1) }

// RetryHook returns a function for retry.Transport.OnRetry that counts
// retries as MetricRetries with a meter from mp. It lives here so that
// retry itself needs no metrics dependency.
func RetryHook(mp metric.MeterProvider) (func(retry.Event), error) {
	if mp == nil {
		mp = noop.NewMeterProvider()
	}
	c, err := mp.Meter(meterName).Int64Counter(MetricRetries, metric.WithDescription("Retries of retry.Transport."), metric.WithUnit("{retry}"))
	if err != nil {
		return nil, err
	}
	return func(ev retry.Event) {
		c.Add(context.Background(), 1, metric.WithAttributes(attribute.Int("status", ev.StatusCode)))
	}, nil
}
