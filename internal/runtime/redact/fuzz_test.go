package redact

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSecrets: Scrub never panics, and no raw, form-encoded, path-encoded
// or base64 copy of a (valid UTF-8) secret survives in the output. The
// replacement is a NUL byte so that it cannot join text into a new match.
// Seeds: testdata/fuzz/FuzzSecrets.
func FuzzSecrets(f *testing.F) {
	f.Add("a%", "x a%25 y")
	f.Fuzz(func(t *testing.T, secret, text string) {
		if secret == "" || !utf8.ValidString(secret) || strings.Contains(secret, "\x00") {
			return
		}
		x := NewSecrets(secret)
		out := x.Replace(text, "\x00")
		for name, form := range map[string]string{
			"raw": secret, "QueryEscape": url.QueryEscape(secret), "PathEscape": url.PathEscape(secret),
			"base64": base64.StdEncoding.EncodeToString([]byte(secret)),
		} {
			if strings.Contains(out, form) {
				t.Fatalf("%s form of %q survives in %q", name, secret, out)
			}
		}
	})
}

// FuzzURL: for any URL that parses, URL's output holds no user info (also
// in the opaque form) and no query value other than the placeholder.
// Seeds: testdata/fuzz/FuzzURL.
func FuzzURL(f *testing.F) {
	f.Add("https://bob:pw@h.example/x?a=1#f")
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		out := URL(u)
		v, err := url.Parse(out)
		if err != nil {
			return // a URL that did not round-trip before either
		}
		if v.User != nil || v.Fragment != "" {
			t.Fatalf("URL(%q) = %q keeps user info or fragment", raw, out)
		}
		if auth, _, _ := strings.Cut(v.Opaque, "/"); strings.Contains(auth, "@") {
			t.Fatalf("URL(%q) = %q keeps opaque user info", raw, out)
		}
		if v.RawQuery != "" && v.RawQuery != Placeholder {
			q, err := url.ParseQuery(v.RawQuery)
			if err != nil {
				t.Fatalf("URL(%q) = %q has an unparsable query", raw, out)
			}
			for k, vals := range q {
				for _, val := range vals {
					if val != Placeholder {
						t.Fatalf("URL(%q) = %q keeps value %q of %q", raw, out, val, k)
					}
				}
			}
		}
	})
}
