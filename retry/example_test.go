package retry_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/mgmtapi/mgmtapi/retry"
)

// A server that is briefly unavailable and then rate-limits once: the
// transport retries both and the caller only sees the final 200.
func ExampleTransport() {
	replies := []int{http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusOK}
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := replies[n]
		n++
		if code == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "0")
		}
		w.WriteHeader(code)
	}))
	defer srv.Close()

	hc := &http.Client{Transport: &retry.Transport{
		// In production: Base: src.Transport(http.DefaultTransport), the auth
		// transport, so each attempt carries a valid token.
		Base:      http.DefaultTransport,
		BaseDelay: 1, // keep the example fast; the default is 200ms
		OnRetry: func(e retry.Event) {
			fmt.Printf("retry %d after %d on %s %s\n", e.Retry, e.StatusCode, e.Method, e.URL[len(srv.URL):])
		},
	}}
	resp, err := hc.Get(srv.URL + "/api/v2/users?access_token=secret")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status, "after", n, "requests")
	// Output:
	// retry 1 after 503 on GET /api/v2/users?access_token=REDACTED
	// retry 2 after 429 on GET /api/v2/users?access_token=REDACTED
	// 200 OK after 3 requests
}
