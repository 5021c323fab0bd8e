package auth

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact/redacttest"
)

func scrubTest(s string) string { return strings.ReplaceAll(s, testSecret, redacted) }

func TestParseExpiresIn(t *testing.T) {
	tests := []struct {
		raw     string
		want    time.Duration
		wantErr bool
	}{
		{"", DefaultLifetime, false},
		{"null", DefaultLifetime, false},
		{"299", 299 * time.Second, false},
		{`"299"`, 299 * time.Second, false},
		{`" 299 "`, 299 * time.Second, false},
		{"299.5", 299500 * time.Millisecond, false},
		{"0", 0, false},
		{"-1", 0, true},
		{`"-1"`, 0, true},
		{"1e12", MaxLifetime, false},
		{"86400", MaxLifetime, false},
		{"86399", 86399 * time.Second, false},
		{`"abc"`, 0, true},
		{`"NaN"`, 0, true},
		{`"Inf"`, 0, true},
		{`"0x10"`, 0, true},
		{`""`, 0, true},
		{"true", 0, true},
		{"[1]", 0, true},
		{"{}", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := parseExpiresIn([]byte(tt.raw))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("parseExpiresIn(%s) = %s, %v; want %s, error %v", tt.raw, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"0", 0}, {"-3", 0}, {"7", 7 * time.Second}, {"999999", maxRetryAfter}, {"99999999999999999999", maxRetryAfter}, {"-99999999999999999999", 0},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// FuzzParseResponse: whatever the endpoint sends, parsing does not panic, a
// success is a usable bearer token with a bounded lifetime, and an error never
// contains the client secret in any common encoding nor a control
// character. Seeds live in testdata/fuzz/FuzzParseResponse.
func FuzzParseResponse(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"access_token":"abc","token_type":"Bearer","expires_in":299}`},
		{200, `{"access_token":"abc","expires_in":"299"}`},
		{200, `{"access_token":"abc","token_type":"mac"}`},
		{200, `{"access_token":"a b"}`},
		{400, `{"error":"invalid_request","error_description":"` + testSecret + `"}`},
		{503, `<html>unavailable</html>`},
		{200, ``},
	} {
		f.Add(s.status, []byte(s.body))
	}
	ep, err := newEndpoint(testConfig("http://127.0.0.1/token"), nil, options{})
	if err != nil {
		f.Fatal(err)
	}
	forms := redacttest.Encodings(testSecret)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		h := http.Header{"Content-Type": {"application/json"}, "Retry-After": {"5"}}
		got, err := parseResponse(status, h, body, ep.scrub)
		if err != nil {
			if got.token != nil {
				t.Fatal("token returned with an error")
			}
			for name, form := range forms {
				if strings.Contains(err.Error(), form) {
					t.Fatalf("error contains the secret (%s)", name)
				}
			}
			if strings.ContainsFunc(err.Error(), isControl) {
				t.Fatalf("error text holds a control character: %q", err.Error())
			}
			if ae, ok := err.(*Error); ok && (len(ae.Body) > maxBodySnippet+len("…") || strings.Contains(ae.Body, testSecret)) {
				t.Fatal("error body too long or not scrubbed")
			}
			return
		}
		if status < 200 || status > 299 {
			t.Fatalf("status %d parsed as success", status)
		}
		if got.token == nil || got.token.AccessToken == "" || !validToken(got.token.AccessToken) || got.token.TokenType != "Bearer" {
			t.Fatal("success without a usable bearer token")
		}
		if got.lifetime < 0 || got.lifetime > MaxLifetime {
			t.Fatalf("lifetime %s out of bounds", got.lifetime)
		}
	})
}
