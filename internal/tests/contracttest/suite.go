package contracttest

import (
	"context"
	"testing"
)

// Case is one call of an API's representative suite: Call performs it with
// the generated client C and returns the HTTP status and, when the answer
// lacks what the call needs, a problem to report.
type Case[C any] struct {
	Name string
	Call func(ctx context.Context, c C) (status int, problem string, err error)
	Want int
}

// RunSuite runs each case as a subtest with a fresh client from newClient,
// checks its status and problem, and finally that the token server issued
// tokens, so the suite's requests were authenticated by it.
func RunSuite[C any](t *testing.T, e *Env, newClient func(*testing.T) C, cases []Case[C]) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			status, problem, err := tt.Call(t.Context(), newClient(t))
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if status != tt.Want {
				t.Errorf("status %d, want %d", status, tt.Want)
			}
			if problem != "" {
				t.Error(problem)
			}
		})
	}
	if n := e.TokensIssued(t); n < 1 {
		t.Errorf("the token server issued %d tokens; the requests were not authenticated by it", n)
	}
}
