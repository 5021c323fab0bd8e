package retry_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/retry"
)

// TestWithAuth composes the retry transport outside the real auth
// transport, against a token endpoint and an API that replay scripted
// statuses, and counts what reaches each. It proves the documented order:
// rate-limit retries reuse the cached token, auth's single 401 replay is not
// multiplied by retries, and a rejected token request is not retried.
func TestWithAuth(t *testing.T) {
	tests := []struct {
		name        string
		tokenStatus int
		api         []int
		wantStatus  int
		wantErr     bool
		wantTokens  int
		wantAPI     []string // Authorization header per API request
		wantRetries int
	}{
		{name: "429 then 200: one token, retried once", tokenStatus: 200, api: []int{429, 200},
			wantStatus: 200, wantTokens: 1, wantAPI: []string{"Bearer tok-1", "Bearer tok-1"}, wantRetries: 1},
		{name: "401 then 200: auth replays with a new token, retry stays out", tokenStatus: 200, api: []int{401, 200},
			wantStatus: 200, wantTokens: 2, wantAPI: []string{"Bearer tok-1", "Bearer tok-2"}},
		{name: "401 twice: auth gives up after one replay, 401 is not retried", tokenStatus: 200, api: []int{401, 401, 200},
			wantStatus: 401, wantTokens: 2, wantAPI: []string{"Bearer tok-1", "Bearer tok-2"}},
		{name: "503 then 401 then 200: each retry passes through auth", tokenStatus: 200, api: []int{503, 401, 200},
			wantStatus: 200, wantTokens: 2, wantAPI: []string{"Bearer tok-1", "Bearer tok-1", "Bearer tok-2"}, wantRetries: 1},
		{name: "token endpoint rejects the client: not retried", tokenStatus: 401, api: []int{200},
			wantErr: true, wantTokens: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			tokens := 0
			var apiAuth []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				if r.URL.Path == "/oauth/token" {
					tokens++
					w.Header().Set("Content-Type", "application/json")
					if tt.tokenStatus != 200 {
						w.WriteHeader(tt.tokenStatus)
						io.WriteString(w, `{"error":"invalid_client","error_description":"Unauthorized"}`)
						return
					}
					fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":3600}`, tokens)
					return
				}
				apiAuth = append(apiAuth, r.Header.Get("Authorization"))
				status := tt.api[min(len(apiAuth), len(tt.api))-1]
				if status == 429 {
					w.Header().Set("Retry-After", "0")
				}
				w.WriteHeader(status)
			}))
			defer srv.Close()

			src, err := auth.New(auth.Auth0(srv.URL, "client-id", "client-SECRET"))
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			retries := 0
			hc := &http.Client{Transport: &retry.Transport{
				Base:      src.Transport(http.DefaultTransport),
				BaseDelay: 1, // 1ns: no real waiting
				OnRetry:   func(retry.Event) { retries++ },
			}}
			resp, err := hc.Get(srv.URL + "/api/v2/users")
			if tt.wantErr {
				var authErr *auth.Error
				if !errors.As(err, &authErr) || strings.Contains(err.Error(), "SECRET") {
					t.Errorf("err = %v, want a secret-free *auth.Error", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else {
				resp.Body.Close()
				if resp.StatusCode != tt.wantStatus {
					t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if tokens != tt.wantTokens || strings.Join(apiAuth, ",") != strings.Join(tt.wantAPI, ",") || retries != tt.wantRetries {
				t.Errorf("token requests %d, API requests %q, retries %d; want %d, %q, %d",
					tokens, apiAuth, retries, tt.wantTokens, tt.wantAPI, tt.wantRetries)
			}
		})
	}
}
