package genjson

import (
	stdjson "encoding/json"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// known and inner stand for generated types: the method-less copy of an
// object type and a nested generated type with the generated methods.
type known struct {
	Name  *string        `json:"name,omitempty"`
	Tags  *[]string      `json:"tags,omitempty"`
	List  []int          `json:"list"`
	Inner *inner         `json:"inner,omitempty"`
	Any   any            `json:"any,omitempty"`
	AP    map[string]any `json:"-"`
}

type innerKnown struct {
	ID string         `json:"id"`
	AP map[string]any `json:"-"`
}

type inner innerKnown

func (a *inner) UnmarshalJSON(b []byte) error {
	return Unmarshal(b, (*innerKnown)(a), &a.AP)
}
func (a *inner) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	return UnmarshalFrom(d, (*innerKnown)(a), &a.AP)
}
func (a inner) MarshalJSON() ([]byte, error) { return Marshal((*innerKnown)(&a), a.AP) }
func (a inner) MarshalJSONTo(e *jsontext.Encoder) error {
	return MarshalTo(e, (*innerKnown)(&a), a.AP)
}

// TestRoundTrip decodes objects with undeclared members at two depths,
// large integers and exact number text, and requires the encoding to be
// the same JSON.
func TestRoundTrip(t *testing.T) {
	for _, in := range []string{
		`{"name":"x","list":[1,2],"big":12345678901234567890,"o":{"n":1.50,"deep":[{"k":-0.0}]}}`,
		`{"list":null,"tags":[],"inner":{"id":"a","extra":{"z":9007199254740993}}}`,
		`{"list":[],"any":{"n":18446744073709551615,"s":"<&>"},"inner":{"id":"","id2":null}}`,
	} {
		var k known
		if err := Unmarshal([]byte(in), &k, &k.AP); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		out, err := Marshal(&k, k.AP)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !sameJSON(t, in, string(out)) {
			t.Errorf("round trip changed the document\n in  %s\n out %s", in, out)
		}
	}
}

// TestNestedKeepsUnknown reaches a nested undeclared member from the typed
// value, as a caller would.
func TestNestedKeepsUnknown(t *testing.T) {
	var k known
	in := `{"list":[],"inner":{"id":"a","extra":{"z":9007199254740993}}}`
	if err := Unmarshal([]byte(in), &k, &k.AP); err != nil {
		t.Fatal(err)
	}
	extra, ok := k.Inner.AP["extra"].(map[string]any)
	if !ok || extra["z"] != stdjson.Number("9007199254740993") {
		t.Fatalf("inner.extra = %#v", k.Inner.AP["extra"])
	}
}

// TestEncodingJSONEntry decodes through encoding/json, as ParseXxxResponse
// functions and callers do, and still keeps everything.
func TestEncodingJSONEntry(t *testing.T) {
	in := `[{"id":"a","u":1e400},{"id":"b","v":[true,null]}]`
	var v []inner
	if err := stdjson.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	out, err := stdjson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, in, string(out)) {
		t.Errorf("in  %s\nout %s", in, out)
	}
}

func TestErrors(t *testing.T) {
	for _, in := range []string{`{"name":1}`, `{"list":{}}`, `[]`, `{"name":"x"`, `{"inner":{"id":5}}`} {
		var k known
		if err := Unmarshal([]byte(in), &k, &k.AP); err == nil {
			t.Errorf("%s decoded without error", in)
		}
	}
}

// sameJSON compares two documents as values, numbers by their text.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x, options); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &y, options); err != nil {
		t.Fatal(err)
	}
	xa, _ := json.Marshal(x, json.Deterministic(true), options)
	ya, _ := json.Marshal(y, json.Deterministic(true), options)
	return string(xa) == string(ya)
}

// TestMarshalNumber writes a json.Number as the number it holds and refuses
// text that is not one, as encoding/json does.
func TestMarshalNumber(t *testing.T) {
	k := known{List: []int{}, Any: stdjson.Number(big)}
	out, err := Marshal(&k, map[string]any{"n": stdjson.Number("-1.5e3")})
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, string(out), `{"list":[],"any":`+big+`,"n":-1.5e3}`) {
		t.Errorf("encoded %s", out)
	}
	for _, bad := range []stdjson.Number{"1x", `"1"`, "{}", "01"} {
		if _, err := Marshal(&known{Any: bad}, map[string]any(nil)); err == nil {
			t.Errorf("json.Number(%q) encoded without error", bad)
		}
	}
}

const big = "12345678901234567891"
