// Package waits carries the recorder of one front-door call down to the
// layers that wait on its behalf (auth's token fetch, retry's pauses,
// ratelimit's slots), so that each wait is recorded on the call it delays.
//
// It imports no telemetry library: a program that does not ask for
// telemetry (package otelmgmt) compiles only this interface and a context
// key. The implementation that turns waits into span events lives in
// otelmgmt.
package waits

import (
	"context"
	"time"
)

// Recorder records the waits of one call. Implementations must be safe
// for concurrent use and must not block.
type Recorder interface {
	// TokenWait: the call waited from start to end for a token fetch,
	// its own (joined false) or another caller's (joined true); errType
	// is "" on success, else a fixed word (canceled, timeout, token).
	TokenWait(start, end time.Time, joined bool, errType string)
	// RetryWait: the call pauses wait before retry number n, after an
	// answer with status (0 when the attempt failed without one); errType
	// is "" or "connection".
	RetryWait(n int, wait time.Duration, status int, errType string)
	// RateWait: the call waited for its rate-limit slot from start for
	// waited; errType is "" or a fixed word (over_budget, canceled,
	// timeout).
	RateWait(start time.Time, waited time.Duration, errType string)
}

type key struct{}

// NewContext returns ctx carrying r.
func NewContext(ctx context.Context, r Recorder) context.Context {
	return context.WithValue(ctx, key{}, r)
}

// FromContext returns the Recorder of ctx, or nil when there is none (no
// front-door call with telemetry on).
func FromContext(ctx context.Context) Recorder {
	r, _ := ctx.Value(key{}).(Recorder)
	return r
}
