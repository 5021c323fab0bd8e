package redact

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact/redacttest"
)

// secret exercises every escaping rule: space, reserved and unreserved
// punctuation, a quote, HTML-special characters, non-ASCII and a rune above
// U+FFFF.
const secret = `S3cr3t p@ss/w+rd&=%"<é>!*'()~😀`

// TestSecretsEveryEncoding embeds each encoding of the secret in text and
// asserts that no encoding of it survives Scrub, while the text around it
// does.
func TestSecretsEveryEncoding(t *testing.T) {
	x := NewSecrets(secret)
	all := redacttest.Encodings(secret)
	for name, enc := range all {
		t.Run(name, func(t *testing.T) {
			in := `{"error":"invalid_client","echo":"` + enc + `","more":"x"}`
			out := x.Scrub(in)
			for other, form := range all {
				if len(form) >= 8 && strings.Contains(out, form) {
					t.Errorf("%s form survived (%s)", other, name)
				}
			}
			if !strings.HasPrefix(out, `{"error":"invalid_client","echo":"`) || !strings.HasSuffix(out, `","more":"x"}`) {
				t.Errorf("text around the secret changed: %d bytes out", len(out))
			}
			// Whole-string encodings leave exactly the placeholder; base64
			// inside a longer text keeps the parts that depend on the
			// surrounding bytes.
			if echo := strings.TrimSuffix(strings.TrimPrefix(out, `{"error":"invalid_client","echo":"`), `","more":"x"}`); !strings.Contains(name, "inside") && echo != Placeholder {
				t.Errorf("echo scrubbed to %q, want %q", echo, Placeholder)
			}
		})
	}
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape("client-1") + ":" + url.QueryEscape(secret)))
	if out := x.Scrub("Basic " + basic); strings.Contains(out, basic[8:len(basic)-8]) {
		t.Error("Basic credential survived")
	}
}

func TestSecretsLeavesOtherText(t *testing.T) {
	x := NewSecrets("abc")
	for _, s := range []string{"", "abd", "ab c", "ABC", "YWJj"[:3]} {
		if got := x.Scrub(s); got != s {
			t.Errorf("Scrub(%q) = %q", s, got)
		}
	}
	if got := x.Scrub("x abc %61%62%63 \\u0061bc YWJj"); got != "x REDACTED REDACTED REDACTED REDACTED" {
		t.Errorf("got %q", got)
	}
	if got := NewSecrets("a%").Scrub("x a%25 a%2525 a% y"); got != "x REDACTED REDACTED REDACTED y" {
		t.Errorf("trailing %%: got %q", got)
	}
	if got := NewSecrets().Scrub("abc"); got != "abc" {
		t.Errorf("empty Secrets changed text: %q", got)
	}
	var nilx *Secrets
	if nilx.Scrub("abc") != "abc" {
		t.Error("nil Secrets changed text")
	}
	// An absurdly long secret must not panic.
	long := strings.Repeat("a/", 2000)
	if got := NewSecrets(long).Scrub("<" + long + ">"); got != "<REDACTED>" {
		t.Errorf("long secret: %d bytes out", len(got))
	}
}
