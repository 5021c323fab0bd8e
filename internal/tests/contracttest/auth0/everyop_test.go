package auth0_test

import "testing"

// knownSkips lists operations that cannot pass against Prism yet, with the
// reason; they are reported as skipped, never counted as exercised.
var knownSkips = map[string]string{
	"GET /events": "text/event-stream of JSON events: Prism cannot serialise an object schema as an event stream (500 \"Cannot serialise complex objects as text\")",
}

// TestEveryOperation calls every operation of the fixed spec once.
func TestEveryOperation(t *testing.T) {
	env.EveryOperation(t, parsers, knownSkips)
}
