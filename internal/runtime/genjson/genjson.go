// Package genjson is the JSON runtime of the generated clients under gen/:
// the generated MarshalJSON/UnmarshalJSON methods of object types call it so
// that members the OpenAPI document does not declare survive a decode and an
// encode, in one pass over the input.
//
// It uses the encoding/json/v2 semantics of github.com/go-json-experiment/json
// (a member tagged `json:",embed"` collects the undeclared members while
// the declared ones are decoded, and nested generated types are decoded from
// the same token stream through their UnmarshalJSONFrom methods instead of
// being re-parsed), configured to match encoding/json where the two differ
// in ways a caller could observe on encode: nil slices and maps encode as
// null and omitempty means what it means in encoding/json.
//
// Numbers decoded into interface{} values become encoding/json.Number, not
// float64, so integers beyond 2^53 survive a round trip exactly.
package genjson

import (
	stdjson "encoding/json"
	"errors"
	"io"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// options are the semantics every generated type decodes and encodes with.
// It is built once and never modified.
var options = json.JoinOptions(
	// Servers are not rejected for what encoding/json tolerates.
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	// Encode as encoding/json does, so that a decoded value re-encodes to
	// what was received: an empty array stays [] and null stays null.
	json.FormatNilSliceAsNull(true),
	json.FormatNilMapAsNull(true),
	jsonv1.OmitEmptyWithLegacySemantics(true),
	json.WithUnmarshalers(json.UnmarshalFromFunc(unmarshalAnyNumber)),
	json.WithMarshalers(json.MarshalToFunc(marshalNumber)),
)

// unmarshalAnyNumber decodes a JSON number held by an interface{} as an
// encoding/json.Number (its exact text); everything else decodes as usual.
func unmarshalAnyNumber(dec *jsontext.Decoder, v *any) error {
	if dec.PeekKind() != '0' {
		return errors.ErrUnsupported
	}
	num, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*v = stdjson.Number(num)
	return nil
}

// marshalNumber writes an encoding/json.Number as the number it holds, as
// encoding/json does (json/v2 would write it as a string).
func marshalNumber(enc *jsontext.Encoder, n stdjson.Number) error {
	if n == "" {
		return enc.WriteToken(jsontext.Int(0))
	}
	v := jsontext.Value(n)
	if v.Kind() != '0' || !v.IsValid() {
		return errors.New("json: invalid number literal " + strconv.Quote(string(n)))
	}
	return enc.WriteValue(v)
}

// object is the shape a generated object type is decoded from and encoded
// to: its declared members (K is the generated type without its methods)
// and the members the document does not declare.
type object[K, V any] struct {
	Known *K           `json:",embed"`
	Extra map[string]V `json:",embed"`
}

// Unmarshal decodes the JSON object b into the declared members *known and
// the undeclared members *extra. Generated UnmarshalJSON methods call it.
func Unmarshal[K, V any](b []byte, known *K, extra *map[string]V) error {
	o := object[K, V]{Known: known, Extra: *extra}
	err := json.Unmarshal(b, &o, options)
	*extra = o.Extra
	return err
}

// UnmarshalFrom is Unmarshal reading the next value of dec; generated
// UnmarshalJSONFrom methods call it, so nested objects are decoded in the
// same pass as their parent.
func UnmarshalFrom[K, V any](dec *jsontext.Decoder, known *K, extra *map[string]V) error {
	o := object[K, V]{Known: known, Extra: *extra}
	err := json.UnmarshalDecode(dec, &o)
	*extra = o.Extra
	return err
}

// Marshal encodes the declared members *known and the undeclared members
// extra as one JSON object. Generated MarshalJSON methods call it.
func Marshal[K, V any](known *K, extra map[string]V) ([]byte, error) {
	return json.Marshal(object[K, V]{Known: known, Extra: extra}, options)
}

// MarshalTo is Marshal writing to enc; generated MarshalJSONTo methods call it.
func MarshalTo[K, V any](enc *jsontext.Encoder, known *K, extra map[string]V) error {
	return json.MarshalEncode(enc, object[K, V]{Known: known, Extra: extra})
}

// UnmarshalValue decodes b into v with the generated types' semantics;
// the As* methods of generated unions call it.
func UnmarshalValue(b []byte, v any) error {
	return json.Unmarshal(b, v, options)
}

// UnmarshalRead decodes the one JSON value r holds (until EOF; trailing
// data is an error) into v with the generated types' semantics, reading
// r through a pooled buffer instead of holding the whole input: the
// front doors decode response bodies with it.
func UnmarshalRead(r io.Reader, v any) error {
	return json.UnmarshalRead(r, v, options)
}
