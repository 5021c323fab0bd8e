package umbraco18_test

import "testing"

// knownSkips lists operations that cannot pass against Prism yet, with the
// reason; they are reported as skipped, never counted as exercised.
var knownSkips = map[string]string{}

// TestEveryOperation calls every operation of the fixed spec once.
func TestEveryOperation(t *testing.T) {
	env.EveryOperation(t, parsers, knownSkips)
}
