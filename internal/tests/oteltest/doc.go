// Package oteltest proves the OpenTelemetry instrumentation of the front
// doors (internal/runtime/frontdoor/telemetry.go) with the SDK's in-memory
// span exporter and a manual metric reader: one client span and one
// http.client.request.duration measurement per front-door call of every
// API, the retry, rate-limit and token waits as events on it, no secret in
// any recorded name or attribute, trace context sent to the vendor only
// when asked for, and no SDK in the library's import graph.
//
// Tokens come from the real oidc-provider (internal/tests/testenv); the API
// servers are httptest fakes, which answer the faults (429, 401, 404).
package oteltest
