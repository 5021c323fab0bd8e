package auth

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// SpanEvent is the name of the event a Source adds to the recording span
// of the caller's context (the front-door call's span,
// trace.SpanFromContext) when the caller had to wait for a token fetch: no
// usable token was cached. It is timestamped when the wait began; a cache
// hit, fresh or stale, adds nothing. Its attributes: mgmtapi.wait.seconds
// (how long the caller waited, bounded by the fetch timeout or the
// caller's context), mgmtapi.auth.joined (true when the caller joined a
// fetch another caller had started) and, when no token came, error.type:
// "canceled", "timeout" or "token". It never holds the token, the
// credentials or the token endpoint's answer.
const SpanEvent = "mgmtapi.auth.token.wait"

// spanEvent adds SpanEvent to the span of ctx, if it records.
func spanEvent(ctx context.Context, start, end time.Time, joined bool, err error) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{
		attribute.Float64("mgmtapi.wait.seconds", max(end.Sub(start), 0).Seconds()),
		attribute.Bool("mgmtapi.auth.joined", joined),
	}
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled):
		attrs = append(attrs, attribute.String("error.type", "canceled"))
	case errors.Is(err, context.DeadlineExceeded):
		attrs = append(attrs, attribute.String("error.type", "timeout"))
	default:
		attrs = append(attrs, attribute.String("error.type", "token"))
	}
	span.AddEvent(SpanEvent, trace.WithTimestamp(start), trace.WithAttributes(attrs...))
}
