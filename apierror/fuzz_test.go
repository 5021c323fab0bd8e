package apierror

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact"
)

// FuzzCheck: any status, content type, body and query: Check does not
// panic, keeps Body within MaxBody, and its text is one bounded line that
// holds none of the request's query values as a whole word. Seeds:
// testdata/fuzz/FuzzCheck.
func FuzzCheck(f *testing.F) {
	f.Add(400, "application/problem+json", []byte(`{"title":"t","status":400}`), "a=b")
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte, query string) {
		if status >= 200 && status <= 299 {
			status = 400
		}
		u := &url.URL{Scheme: "https", Host: "api.example", Path: "/x", RawQuery: query}
		resp := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {contentType}}, Request: &http.Request{Method: "GET", URL: u}}
		err := Check(resp, body)
		e, ok := err.(*Error)
		if !ok {
			t.Fatalf("Check returned %T", err)
		}
		if len(e.Body) > MaxBody {
			t.Fatalf("Body %d bytes", len(e.Body))
		}
		text := e.Error()
		if strings.ContainsAny(text, "\r\n") {
			t.Fatalf("text is not one line: %q", text)
		}
		if n := utf8.RuneCountInString(text); n > 2*maxText+len(e.URL)+len(contentType)+200 {
			t.Fatalf("text %d runes long", n)
		}
		for _, v := range queryValues(u) {
			if len(v) < 4 || !alnum(v) || strings.Contains(v, redact.Placeholder) || strings.Contains(redact.Placeholder, v) {
				continue
			}
			for _, field := range []string{e.Code, e.Message} {
				if redactValues(field, []string{v}) != field {
					t.Fatalf("query value %q left in %q", v, field)
				}
			}
		}
	})
}

func alnum(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
