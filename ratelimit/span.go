package ratelimit

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// SpanEvent is the name of the event a Transport adds to the recording
// span of the request's context (the front-door call's span,
// trace.SpanFromContext) for each request's wait for its slot, timestamped
// when the wait began. Its attributes: mgmtapi.wait.seconds (how long it
// waited, at most MaxWait or the context's deadline) and, when the request
// got no slot, error.type: "over_budget" (ErrOverBudget), "canceled" or
// "timeout".
const SpanEvent = "mgmtapi.ratelimit.wait"

// spanEvent adds SpanEvent to the span of ctx, if it records.
func spanEvent(ctx context.Context, waited time.Duration, err error) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{attribute.Float64("mgmtapi.wait.seconds", waited.Seconds())}
	switch {
	case err == nil:
	case errors.Is(err, ErrOverBudget):
		attrs = append(attrs, attribute.String("error.type", "over_budget"))
	case errors.Is(err, context.Canceled):
		attrs = append(attrs, attribute.String("error.type", "canceled"))
	default:
		attrs = append(attrs, attribute.String("error.type", "timeout"))
	}
	span.AddEvent(SpanEvent, trace.WithTimestamp(time.Now().Add(-waited)), trace.WithAttributes(attrs...))
}
