package redact

import (
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
