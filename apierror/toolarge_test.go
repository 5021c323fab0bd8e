package apierror

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTooLargeError(t *testing.T) {
	u, _ := url.Parse("https://user:pw@t.example/api/v2/users?q=secret-value&per_page=100")
	resp := &http.Response{StatusCode: 500, Request: &http.Request{Method: "GET", URL: u}}
	for _, tc := range []struct {
		name      string
		err       *TooLargeError
		want      []string
		forbidden []string
	}{
		{"with response", NewTooLargeError(resp, 1<<20, "auth0.WithMaxResponseBody"),
			[]string{"GET https://", "t.example/api/v2/users", "500 ", "limit of 1048576 bytes", "auth0.WithMaxResponseBody"},
			[]string{"secret-value", "pw"}},
		{"nil response", NewTooLargeError(nil, 10, "x.WithMaxResponseBody"),
			[]string{"response body is longer than the client's limit of 10 bytes (set it with x.WithMaxResponseBody)"}, nil},
		{"option with a line break", NewTooLargeError(nil, 10, "a\nb"),
			[]string{"(set it with a b)"}, []string{"\n"}},
	} {
		msg := tc.err.Error()
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q lacks %q", tc.name, msg, w)
			}
		}
		for _, f := range tc.forbidden {
			if strings.Contains(msg, f) {
				t.Errorf("%s: %q contains %q", tc.name, msg, f)
			}
		}
	}
}
