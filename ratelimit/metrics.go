package ratelimit

import (
	"context"
	"time"
)

// Metric names package otelmgmt records a Transport's Metrics under
// (otelmgmt.RateLimitMetrics, otelmgmt.RetryMetrics).
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
	// MetricRetries counts retries of retry.Transport (see
	// otelmgmt.RetryMetrics), with attribute status (0 after a network
	// error).
	MetricRetries = "mgmtapi.retry.retries"
)

// Metrics receives what a Transport counts (Transport.Metrics). Package
// otelmgmt records it with OpenTelemetry (otelmgmt.RateLimitMetrics); any
// other metrics library can implement it. The methods are called on the
// request's goroutine with the request's context (which may be canceled
// already) and must return quickly.
type Metrics interface {
	// Waited: a request waited d for its slot; err is why it got none
	// (ErrOverBudget, the context's error), nil when it got one.
	Waited(ctx context.Context, d time.Duration, err error)
	// Limited: the vendor answered 429.
	Limited(ctx context.Context)
	// FellBack: the shared budget failed with err (ErrSharedReply when it
	// answered nonsense) and the request was paced locally.
	FellBack(ctx context.Context, err error)
}

// noMetrics is the Metrics of a Transport without any.
type noMetrics struct{}

func (noMetrics) Waited(context.Context, time.Duration, error) {}
func (noMetrics) Limited(context.Context)                      {}
func (noMetrics) FellBack(context.Context, error)              {}
