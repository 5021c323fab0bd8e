package retry

import (
	"context"

	"github.com/mgmtapi/mgmtapi/internal/runtime/waits"
)

// SpanEvent is the name of the event added to a front-door call's span
// (with package otelmgmt's telemetry on) before each wait between
// attempts. Its attributes: mgmtapi.retry.number (the retry it waits for,
// from 1), mgmtapi.wait.seconds (how long it will wait, at most MaxWait)
// and http.response.status_code (the status retried) or error.type
// ("connection", after an error). It holds no URL, header or body.
const SpanEvent = "mgmtapi.retry.wait"

// spanEvent reports the wait for ev to the call recorder of ctx, if any.
func spanEvent(ctx context.Context, ev Event) {
	r := waits.FromContext(ctx)
	if r == nil {
		return
	}
	errType := ""
	if ev.Err != nil {
		errType = "connection"
	}
	r.RetryWait(ev.Retry, ev.Wait, ev.StatusCode, errType)
}
