package losslesstest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// response is an HTTP response carrying body, as the Parse functions get it.
func response(status int, body string) *http.Response {
	return &http.Response{
		StatusCode: status,
		Header:     http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:       io.NopCloser(strings.NewReader(body)),
	}
}

// decodeNumbers decodes a document keeping every number's text.
func decodeNumbers(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// requireSameJSON fails unless got and want are the same JSON value, member
// order aside, numbers compared by their text.
func requireSameJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	if !reflect.DeepEqual(decodeNumbers(t, got), decodeNumbers(t, []byte(want))) {
		t.Errorf("re-encoded value differs from the response\n got  %s\n want %s", got, compact(t, want))
	}
}

func compact(t *testing.T, s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// roundTrip is one response of one API: parse decodes it through the
// generated Parse function (and a union's As method where there is one)
// and returns the typed value to encode again.
type roundTrip struct {
	name  string
	body  string
	parse func(*http.Response) (any, error)
}

func runRoundTrips(t *testing.T, cases []roundTrip) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := tc.parse(response(200, tc.body))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			requireSameJSON(t, out, tc.body)
		})
	}
}

// big is beyond 2^53: a float64 would change it.
const big = "12345678901234567891"
