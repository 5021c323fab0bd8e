package retry

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// SpanEvent is the name of the event a Transport adds, before each wait
// between attempts, to the recording span of the request's context (the
// front-door call's span, trace.SpanFromContext). Its attributes:
// mgmtapi.retry.number (the retry it waits for, from 1),
// mgmtapi.wait.seconds (how long it will wait, at most MaxWait) and
// http.response.status_code (the status retried) or error.type
// ("connection", after an error). It holds no URL, header or body.
const SpanEvent = "mgmtapi.retry.wait"

// spanEvent adds SpanEvent for ev to the span of ctx, if it records.
func spanEvent(ctx context.Context, ev Event) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{
		attribute.Int("mgmtapi.retry.number", ev.Retry),
		attribute.Float64("mgmtapi.wait.seconds", ev.Wait.Seconds()),
	}
	if ev.StatusCode != 0 {
		attrs = append(attrs, attribute.Int("http.response.status_code", ev.StatusCode))
	}
	if ev.Err != nil {
		attrs = append(attrs, attribute.String("error.type", "connection"))
	}
	span.AddEvent(SpanEvent, trace.WithAttributes(attrs...))
}
