package auth

import (
	"context"
	"errors"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/runtime/waits"
)

// SpanEvent is the name of the event added to a front-door call's span
// (with package otelmgmt's telemetry on) when the call had to wait for a
// token fetch: no usable token was cached. It is timestamped when the wait
// began; a cache hit, fresh or stale, adds nothing. Its attributes:
// mgmtapi.wait.seconds (how long the caller waited, bounded by the fetch
// timeout or the caller's context), mgmtapi.auth.joined (true when the
// caller joined a fetch another caller had started) and, when no token
// came, error.type: "canceled", "timeout" or "token". It never holds the
// token, the credentials or the token endpoint's answer.
const SpanEvent = "mgmtapi.auth.token.wait"

// spanEvent reports the wait to the call recorder of ctx, if any.
func spanEvent(ctx context.Context, start, end time.Time, joined bool, err error) {
	r := waits.FromContext(ctx)
	if r == nil {
		return
	}
	errType := ""
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled):
		errType = "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		errType = "timeout"
	default:
		errType = "token"
	}
	r.TokenWait(start, end, joined, errType)
}
