package ratelimit

import (
	"context"
	"errors"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/runtime/waits"
)

// SpanEvent is the name of the event added to a front-door call's span
// (with package otelmgmt's telemetry on) for each request's wait for its
// slot, timestamped when the wait began. Its attributes:
// mgmtapi.wait.seconds (how long it waited, at most MaxWait or the
// context's deadline) and, when the request got no slot, error.type:
// "over_budget" (ErrOverBudget), "canceled" or "timeout".
const SpanEvent = "mgmtapi.ratelimit.wait"

// spanEvent reports the wait to the call recorder of ctx, if any.
func spanEvent(ctx context.Context, waited time.Duration, err error) {
	r := waits.FromContext(ctx)
	if r == nil {
		return
	}
	errType := ""
	switch {
	case err == nil:
	case errors.Is(err, ErrOverBudget):
		errType = "over_budget"
	case errors.Is(err, context.Canceled):
		errType = "canceled"
	default:
		errType = "timeout"
	}
	r.RateWait(time.Now().Add(-waited), waited, errType)
}
