package frontdoor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/ratelimit"
)

// With telemetry off (a nil *Telemetry) a call allocates nothing and
// records nothing.
func TestTelemetryOffCostsNothing(t *testing.T) {
	var tel *Telemetry
	ctx := context.Background()
	err := errors.New("x")
	allocs := testing.AllocsPerRun(100, func() {
		c2, call := tel.Start(ctx, Op{API: "auth0", ID: "get_users", Name: "GET /users"})
		if c2 != ctx || call != nil {
			panic("telemetry off changed the context")
		}
		call.End(err)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per call with telemetry off, want 0", allocs)
	}
}

// classify gives every failure a status, a bounded code and an error.type
// from a closed list.
func TestClassify(t *testing.T) {
	dial := &url.Error{Op: "Get", URL: "https://x", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}
	tests := []struct {
		name       string
		err        error
		status     int
		wantStatus int
		wantCode   string
		wantType   string
	}{
		{"api error", &apierror.Error{StatusCode: 404, Code: "inexistent_user"}, 404, 404, "inexistent_user", "404"},
		{"api error, long code with controls", &apierror.Error{StatusCode: 400, Code: "a\nb" + strings.Repeat("c", 100)}, 400, 400, "ab" + strings.Repeat("c", MaxErrorCode-2), "400"},
		{"canceled", fmt.Errorf("get: %w", context.Canceled), 0, 0, "", ErrKindCanceled},
		{"deadline", &url.Error{Op: "Get", URL: "u", Err: context.DeadlineExceeded}, 0, 0, "", ErrKindTimeout},
		{"over budget", &url.Error{Op: "Get", URL: "u", Err: ratelimit.ErrOverBudget}, 0, 0, "", ErrKindOverBudget},
		{"token", &url.Error{Op: "Get", URL: "u", Err: &auth.Error{StatusCode: 401, Code: "invalid_client"}}, 0, 0, "", ErrKindToken},
		{"redirect", &url.Error{Op: "Get", URL: "u", Err: &auth.RedirectError{From: "a", To: "b"}}, 302, 302, "", ErrKindRedirect},
		{"connection", dial, 0, 0, "", ErrKindConnection},
		{"decode", errors.New("decoding the 200 response: bad"), 200, 200, "", ErrKindResponse},
		{"build", errors.New("marshalling the body"), 0, 0, "", ErrKindRequest},
	}
	for _, tt := range tests {
		status, code, kind := classify(tt.err, tt.status)
		if status != tt.wantStatus || code != tt.wantCode || kind != tt.wantType {
			t.Errorf("%s: classify = %d %q %q, want %d %q %q", tt.name, status, code, kind, tt.wantStatus, tt.wantCode, tt.wantType)
		}
	}
	if !unsentErr(dial) || unsentErr(errors.New("reset")) || !unsentErr(ratelimit.ErrOverBudget) {
		t.Error("unsentErr misjudges")
	}
}
