package auth0_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// evidenceHAR holds one response per shape that issue 18 types: members,
// statuses, bodies and enum values live Auth0 tenants send and the pinned
// document lacked, and calls to the operations it lacked. Each entry's
// comment starts with the Go name of its operation.
var evidenceHAR = filepath.Join("..", "..", "..", "..", "testdata", "evidence", "auth0.har")

// evidenceEntry is the part of a HAR entry the decode test reads.
type evidenceEntry struct {
	Comment  string `json:"comment"`
	Response struct {
		Status  int `json:"status"`
		Content struct {
			Text string `json:"text"`
		} `json:"content"`
	} `json:"response"`
}

// TestEvidenceDecodesTyped decodes every response of the evidence HAR through
// the generated Parse function of its operation and requires that nothing
// reaches the user only as AdditionalProperties, at any depth (through a
// union, in at least one of its variants), that every
// enum value decoded is Valid(), and that a body lands in the typed field of
// the status the server sent (JSON<status>), not only in Body.
func TestEvidenceDecodesTyped(t *testing.T) {
	data, err := os.ReadFile(evidenceHAR)
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Log struct {
			Entries []evidenceEntry `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(data, &h); err != nil {
		t.Fatalf("%s: %v", evidenceHAR, err)
	}
	if len(h.Log.Entries) == 0 {
		t.Fatalf("%s has no entries", evidenceHAR)
	}
	for i, e := range h.Log.Entries {
		op, _, _ := strings.Cut(e.Comment, ":")
		t.Run(fmt.Sprintf("%02d_%s", i, op), func(t *testing.T) {
			parse, ok := parsers[op]
			if !ok {
				t.Fatalf("gen/auth0 has no operation %q (entry %d)", op, i)
			}
			body := e.Response.Content.Text
			resp := &http.Response{
				StatusCode: e.Response.Status,
				Header:     http.Header{"Content-Type": {"application/json; charset=utf-8"}},
				Body:       io.NopCloser(strings.NewReader(body)),
			}
			v, err := parse(resp)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			rv := reflect.ValueOf(v)
			for rv.Kind() == reflect.Pointer {
				rv = rv.Elem()
			}
			if body == "" {
				return
			}
			typed := rv.FieldByName("JSON" + strconv.Itoa(e.Response.Status))
			if !typed.IsValid() || typed.IsNil() {
				t.Fatalf("status %d: the body reaches only Body, no typed field JSON%d", e.Response.Status, e.Response.Status)
			}
			var problems []string
			walk(typed, "$", &problems)
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// validator is an enum type's Valid method.
type validator interface{ Valid() bool }

// walk reports at path each non-empty AdditionalProperties and each enum
// value whose Valid() is false under v.
func walk(v reflect.Value, path string, problems *[]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walk(v.Elem(), path, problems)
		}
		return
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walk(v.Index(i), path+"["+strconv.Itoa(i)+"]", problems)
		}
		return
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			walk(it.Value(), path+"."+fmt.Sprint(it.Key().Interface()), problems)
		}
		return
	}
	if v.CanInterface() {
		if e, ok := v.Interface().(validator); ok && v.Kind() == reflect.String && !e.Valid() {
			*problems = append(*problems, fmt.Sprintf("%s: enum %s value %q is not Valid()", path, v.Type(), v.String()))
		}
	}
	if v.Kind() != reflect.Struct {
		return
	}
	if _, ok := v.Type().FieldByName("union"); ok {
		walkUnion(v, path, problems)
		return
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if f.Name == "AdditionalProperties" && fv.Kind() == reflect.Map && fv.Len() > 0 {
			keys := make([]string, 0, fv.Len())
			for _, k := range fv.MapKeys() {
				keys = append(keys, k.String())
			}
			*problems = append(*problems, fmt.Sprintf("%s (%s): members %q reach users only as AdditionalProperties", path, t, keys))
			continue
		}
		walk(fv, path+"."+f.Name, problems)
	}
}

// walkUnion checks a oneOf/anyOf value through its As<Variant> methods: at
// least one variant must decode and hold every member typed; otherwise the
// problems of the first variant that decodes are reported.
func walkUnion(v reflect.Value, path string, problems *[]string) {
	var first []string
	decoded := false
	for i := range v.NumMethod() {
		m := v.Type().Method(i)
		if !strings.HasPrefix(m.Name, "As") || m.Type.NumIn() != 1 || m.Type.NumOut() != 2 {
			continue
		}
		out := v.Method(i).Call(nil)
		if !out[1].IsNil() {
			continue
		}
		var p []string
		walk(out[0], path+"<"+strings.TrimPrefix(m.Name, "As")+">", &p)
		if len(p) == 0 {
			return
		}
		if !decoded {
			first, decoded = p, true
		}
	}
	if !decoded {
		*problems = append(*problems, fmt.Sprintf("%s (%s): no variant decodes", path, v.Type()))
		return
	}
	*problems = append(*problems, first...)
}
