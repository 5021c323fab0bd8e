//go:build !ogen

package bench

import (
	"context"
	"net/http"
	"testing"
)

// requestClients are the clients of the per-request benchmark; with the
// build tag ogen (make bench-decode) ogen's generated client is one more.
func requestClients() map[string]func(testing.TB, http.RoundTripper) func(context.Context) (int, error) {
	return map[string]func(testing.TB, http.RoundTripper) func(context.Context) (int, error){"mgmtapi": ours, "go-auth0-v1": v1}
}
