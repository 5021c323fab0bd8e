package redact

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"no query", "https://h.example/api/v2/users", "https://h.example/api/v2/users"},
		{"token in query", "https://h.example/x?access_token=s3cr3t&take=10", "https://h.example/x?access_token=REDACTED&take=REDACTED"},
		{"repeated key", "https://h.example/x?a=1&a=2", "https://h.example/x?a=REDACTED"},
		{"user info and fragment", "https://bob:pw@h.example/x#frag", "https://h.example/x"},
		{"unparsable query", "https://h.example/x?a=%zz", "https://h.example/x?REDACTED"},
		{"opaque user info", "https:user:pass@h.example", "https:h.example"},
		{"opaque user info with path and query", "https:user:p%40ss@h.example/x?k=v", "https:h.example/x?k=REDACTED"},
		{"opaque without user info", "mailto:h.example", "mailto:h.example"},
		{"opaque @ after the path", "https:h.example/a@b", "https:h.example/a@b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := URL(u); got != tt.want {
				t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := URL(nil); got != "" {
		t.Errorf("URL(nil) = %q", got)
	}
}

func TestString(t *testing.T) {
	u, _ := url.Parse("https://bob:pw@h.example/x?access_token=s3cr3t")
	s := String(`Get "https://bob:pw@h.example/x?access_token=s3cr3t": EOF`, u)
	for _, secret := range []string{"s3cr3t", "pw"} {
		if strings.Contains(s, secret) {
			t.Errorf("String leaked %q: %s", secret, s)
		}
	}
	if !strings.Contains(s, "access_token=REDACTED") {
		t.Errorf("String lost the key: %s", s)
	}
}

// TestStringQuotedURL: url.Error formats its URL with %q, which escapes
// quotes, backslashes and control characters; the redaction must find the
// query, fragment and user info in that form too.
func TestStringQuotedURL(t *testing.T) {
	tests := []struct{ raw, secret string }{
		{`https://h.example/x?access_token=s3"cr3t`, `s3\"cr3t`},
		{"https://h.example/x?access_token=s3\\cr3t", `s3\\cr3t`},
		{"https://h.example/x?access_token=s3\u200bcr3t", `s3\u200bcr3t`},
		{"https://h.example/x#s3\"cr3t", `s3\"cr3t`},
		{"https:bob:s3cr3t@h.example/x", "s3cr3t"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.raw)
		if err != nil {
			t.Fatalf("%q: %v", tt.raw, err)
		}
		ue := &url.Error{Op: "Get", URL: u.String(), Err: errors.New("EOF")}
		got := String(ue.Error(), u)
		if strings.Contains(got, tt.secret) || strings.Contains(got, "s3cr3t") {
			t.Errorf("String(%s) = %s: secret left", ue.Error(), got)
		}
		if !strings.HasPrefix(got, `Get "`) || !strings.HasSuffix(got, `": EOF`) {
			t.Errorf("String(%s) = %s: lost the rest", ue.Error(), got)
		}
	}
}
