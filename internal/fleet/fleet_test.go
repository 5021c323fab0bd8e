package fleet

import (
	"context"
	"testing"
	"time"
)

// The harness end to end, small: counts that do not depend on timing.
// Speed is measured by make bench-fleet, never asserted here.
func TestFleet(t *testing.T) {
	env, err := StartEnv(300*time.Second, 1000)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Close() })
	ctx := context.Background()

	tests := []struct {
		name       string
		sc         Scenario
		wantTokens int
		want429    bool // whether 429s are allowed
	}{
		// One token for five replicas, and a budget under the vendor limit.
		{"shared", Scenario{Replicas: 5, Requests: 1500, Shared: true, Share: 0.5, CallTimeout: 2 * time.Second}, 1, false},
		// The holder of the lease dies: one vendor call after the lease
		// expired, and everyone is served.
		{"lease holder dies", Scenario{Replicas: 5, Requests: 200, Shared: true, Share: 0.5, LeaseHolderDies: true, LeaseTTL: 500 * time.Millisecond, CallTimeout: 2 * time.Second}, 1, false},
		// Per-process: one token per replica.
		{"per-process", Scenario{Replicas: 5, Requests: 200}, 5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := env.Run(ctx, tt.sc)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", r)
			if r.TokenRequests != tt.wantTokens {
				t.Errorf("%d token requests, want %d", r.TokenRequests, tt.wantTokens)
			}
			if r.Failed != 0 {
				t.Errorf("%d requests failed", r.Failed)
			}
			if !tt.want429 && r.Limited != 0 {
				t.Errorf("%d 429s, want 0", r.Limited)
			}
			w := max(32/tt.sc.Replicas, 4) * tt.sc.Replicas
			if r.OK != tt.sc.Requests/w*w {
				t.Errorf("%d requests OK of %d", r.OK, tt.sc.Requests)
			}
		})
	}
}
