package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact/redacttest"
)

// leakSecret has every character class an encoder treats differently.
const leakSecret = `S3cr3t p@ss/w+rd&=%"<é>!*'()~😀`

// TestSecretNeverLeaks: a token endpoint echoes the client secret in every
// common encoding, in error_description, in error, in another body member,
// and as the Basic credential it received. No encoding of the secret
// appears in any output channel: Error.Body, Error(), %v, %+v, %#v, %s, %q,
// and the slog warning (JSON and text handlers).
func TestSecretNeverLeaks(t *testing.T) {
	forms := redacttest.Encodings(leakSecret)
	names := make([]string, 0, len(forms)+1)
	for n := range forms {
		names = append(names, n)
	}
	names = append(names, "Authorization header echoed")
	for _, name := range names {
		for _, where := range []string{"error_description", "error", "other member", "plain text body"} {
			t.Run(name+"/"+where, func(t *testing.T) {
				te := newTokenEndpoint(t, 300, func(w http.ResponseWriter, r *http.Request, _ int64) {
					echo := forms[name]
					if name == "Authorization header echoed" {
						echo = r.Header.Get("Authorization")
					}
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusUnauthorized)
					switch where {
					case "error_description":
						fmt.Fprintf(w, `{"error":"invalid_client","error_description":"bad %s"}`, echo)
					case "error":
						fmt.Fprintf(w, `{"error":"%s"}`, echo)
					case "other member":
						fmt.Fprintf(w, `{"got":"%s"}`, echo)
					default:
						fmt.Fprintf(w, "unauthorized client secret=%s\n", echo)
					}
				})
				var jsonLog, textLog syncBuf
				l := slog.New(fanout{slog.NewJSONHandler(&jsonLog, nil), slog.NewTextHandler(&textLog, nil)})
				cfg := Config{TokenURL: te.URL, ClientID: "client-1", ClientSecret: leakSecret}
				src := mustNew(t, cfg, WithLogger(l))
				_, err := src.Token(t.Context())
				ae, ok := err.(*Error)
				if !ok || ae.StatusCode != 401 {
					t.Fatalf("want a 401 *Error, got %T", err)
				}
				waitFor(t, "the warning", func() bool { return strings.Contains(jsonLog.String(), "token fetch failed") })
				channels := map[string]string{
					"Body": ae.Body, "Error()": err.Error(),
					"%v": fmt.Sprintf("%v", err), "%+v": fmt.Sprintf("%+v", err), "%#v": fmt.Sprintf("%#v", err),
					"%s": fmt.Sprintf("%s", err), "%q": fmt.Sprintf("%q", err),
					"%+v of *Error fields": fmt.Sprintf("%+v", *ae), "%#v of *Error fields": fmt.Sprintf("%#v", *ae),
					"slog JSON": jsonLog.String(), "slog text": textLog.String(),
				}
				for ch, out := range channels {
					for fname, form := range forms {
						if strings.Contains(out, form) {
							// Never print the output: it would hold the secret.
							t.Errorf("%s holds the secret as %q", ch, fname)
						}
					}
					if name == "Authorization header echoed" && strings.Contains(out, strings.TrimPrefix(te.lastAuth(), "Basic ")) {
						t.Errorf("%s holds the Basic credential", ch)
					}
				}
			})
		}
	}
}

// TestErrorTextIsOneLine: CR, LF and other control characters a token
// endpoint sends never reach the Error text or the log record, so a server
// cannot forge log lines.
func TestErrorTextIsOneLine(t *testing.T) {
	forged := "x\r\nlevel=ERROR msg=\"forged\"\u2028\u0085\x1b[2J\x00y"
	for _, status := range []int{200, 400} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			te := newTokenEndpoint(t, 300, func(w http.ResponseWriter, r *http.Request, _ int64) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				_ = json.NewEncoder(w).Encode(map[string]string{"error": forged, "error_description": forged, "error_uri": forged})
			})
			var logs syncBuf
			src := mustNew(t, testConfig(te.URL), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			_, err := src.Token(t.Context())
			ae, ok := err.(*Error)
			if !ok {
				t.Fatalf("want *Error, got %v", err)
			}
			waitFor(t, "the warning", func() bool { return strings.Contains(logs.String(), "token fetch failed") })
			for name, s := range map[string]string{"Error()": err.Error(), "Code": ae.Code, "Description": ae.Description, "URI": ae.URI} {
				if strings.ContainsFunc(s, isControl) {
					t.Errorf("%s holds a control character: %q", name, s)
				}
				if !strings.Contains(s, "x  level=ERROR") {
					t.Errorf("%s lost the text: %q", name, s)
				}
			}
			if n := strings.Count(logs.String(), "\n"); n != 1 {
				t.Errorf("log has %d lines, want 1: %q", n, logs.String())
			}
		})
	}
	// An Error built by hand is printed on one line too.
	e := &Error{StatusCode: 400, Code: "a\nb", Description: "c\rd"}
	if got := e.Error(); got != "auth: token endpoint answered 400 a b: c d" {
		t.Errorf("Error() = %q", got)
	}
}

// TestExpiresInOutOfRange: 1e400 overflows float64; it is capped like
// other huge values, and -1e400 is negative.
func TestExpiresInOutOfRange(t *testing.T) {
	for raw, want := range map[string]time.Duration{"1e400": MaxLifetime, `"1e400"`: MaxLifetime, "1e-400": 0} {
		if got, err := parseExpiresIn([]byte(raw)); err != nil || got != want {
			t.Errorf("parseExpiresIn(%s) = %s, %v; want %s", raw, got, err, want)
		}
	}
	if _, err := parseExpiresIn([]byte("-1e400")); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("parseExpiresIn(-1e400) error = %v, want negative", err)
	}
}

// fanout sends every record to all handlers.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool { return true }
func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range f {
		if err := h.Handle(ctx, r.Clone()); err != nil {
			return err
		}
	}
	return nil
}
func (f fanout) WithAttrs(a []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(a)
	}
	return out
}
func (f fanout) WithGroup(g string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(g)
	}
	return out
}
