package gentest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// ptr returns a pointer to v, for the generated optional fields.
func ptr[T any](v T) *T { return &v }

// deref returns *p, or the zero value when p is nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// jsonResponse is the *http.Response a server would send: status, JSON
// content type and body, for the generated Parse...Response functions.
func jsonResponse(status int, contentType, body string) *http.Response {
	return &http.Response{
		Status:     fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode: status,
		Header:     http.Header{"Content-Type": {contentType}},
		Body:       io.NopCloser(strings.NewReader(body)),
	}
}

// decodeAny unmarshals JSON into a generic value (map[string]any, []any ...).
func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b)
	}
	return v
}

// jsonDiff lists the paths where two generic JSON values differ, sorted; it
// is empty when they are semantically equal (key order and white space do
// not matter, numbers compare as float64).
func jsonDiff(want, got any) []string {
	var out []string
	var walk func(path string, w, g any)
	walk = func(path string, w, g any) {
		switch wv := w.(type) {
		case map[string]any:
			gv, ok := g.(map[string]any)
			if !ok {
				out = append(out, fmt.Sprintf("%s: want object, got %s", path, brief(g)))
				return
			}
			keys := map[string]bool{}
			for k := range wv {
				keys[k] = true
			}
			for k := range gv {
				keys[k] = true
			}
			for k := range keys {
				p := path + "." + k
				wc, inW := wv[k]
				gc, inG := gv[k]
				switch {
				case !inG:
					out = append(out, fmt.Sprintf("%s: lost (want %s)", p, brief(wc)))
				case !inW:
					out = append(out, fmt.Sprintf("%s: added (got %s)", p, brief(gc)))
				default:
					walk(p, wc, gc)
				}
			}
		case []any:
			gv, ok := g.([]any)
			if !ok || len(gv) != len(wv) {
				out = append(out, fmt.Sprintf("%s: want %s, got %s", path, brief(w), brief(g)))
				return
			}
			for i := range wv {
				walk(fmt.Sprintf("%s[%d]", path, i), wv[i], gv[i])
			}
		default:
			if !reflect.DeepEqual(w, g) {
				out = append(out, fmt.Sprintf("%s: want %s, got %s", path, brief(w), brief(g)))
			}
		}
	}
	walk("$", want, got)
	sort.Strings(out)
	return out
}

func brief(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

// assertSameJSON fails when the two documents are not semantically equal.
func assertSameJSON(t *testing.T, want, got []byte) {
	t.Helper()
	if d := jsonDiff(decodeAny(t, want), decodeAny(t, got)); len(d) > 0 {
		t.Errorf("JSON differs:\n  %s\ngot: %s", strings.Join(d, "\n  "), got)
	}
}

// requestCase is one generated New...Request call and what it must produce.
type requestCase struct {
	name        string
	build       func() (*http.Request, error)
	method      string
	path        string     // decoded URL path
	escapedPath string     // when set, the path as sent on the wire
	query       url.Values // the whole decoded query; nil means none
	contentType string     // when set, the Content-Type header
	body        string     // when set, the JSON body (compared semantically)
}

func runRequestCases(t *testing.T, cases []requestCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := tc.build()
			if err != nil {
				t.Fatalf("building the request: %v", err)
			}
			if req.Method != tc.method {
				t.Errorf("method = %s, want %s", req.Method, tc.method)
			}
			if req.URL.Path != tc.path {
				t.Errorf("path = %q, want %q (URL %s)", req.URL.Path, tc.path, req.URL)
			}
			if tc.escapedPath != "" && req.URL.EscapedPath() != tc.escapedPath {
				t.Errorf("escaped path = %q, want %q", req.URL.EscapedPath(), tc.escapedPath)
			}
			got, err := url.ParseQuery(req.URL.RawQuery)
			if err != nil {
				t.Fatalf("query %q does not parse: %v", req.URL.RawQuery, err)
			}
			want := tc.query
			if want == nil {
				want = url.Values{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("query = %v (raw %q), want %v", got, req.URL.RawQuery, want)
			}
			if tc.contentType != "" {
				if ct := req.Header.Get("Content-Type"); ct != tc.contentType {
					t.Errorf("Content-Type = %q, want %q", ct, tc.contentType)
				}
			}
			if tc.body != "" {
				if req.Body == nil {
					t.Fatal("request has no body")
				}
				b, err := io.ReadAll(req.Body)
				if err != nil {
					t.Fatal(err)
				}
				assertSameJSON(t, []byte(tc.body), b)
			}
		})
	}
}

// withFields returns the JSON object doc with the top-level fields of extra
// added (or replaced): one fixture serves API versions whose shapes differ
// only by a few fields.
func withFields(t *testing.T, doc string, extra map[string]any) string {
	t.Helper()
	if len(extra) == 0 {
		return doc
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("fixture is not a JSON object: %v", err)
	}
	for k, v := range extra {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withItemFields is withFields for every object of the page's "items".
func withItemFields(t *testing.T, page string, extra map[string]any) string {
	t.Helper()
	var m struct {
		Total int64             `json:"total"`
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal([]byte(page), &m); err != nil {
		t.Fatalf("fixture is not a page: %v", err)
	}
	for i, it := range m.Items {
		m.Items[i] = json.RawMessage(withFields(t, string(it), extra))
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// discriminator reads the "$type" of an encoded value (Umbraco's
// polymorphic models).
func discriminator(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	var d struct {
		Type *string `json:"$type"`
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&d); err != nil {
		t.Fatalf("reading $type of %s: %v", b, err)
	}
	if d.Type == nil {
		t.Fatalf("no $type in %s", b)
	}
	return *d.Type
}
