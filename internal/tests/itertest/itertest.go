// Package itertest drives the generated front doors by reflection for the
// suites that must cover every method or iterator of every API (fronttest's
// TestEveryIteratorEnds, oteltest's span-per-page and span-per-call tests):
// made-up arguments, ranging over an iterator, and page items that decode to
// distinct values. Only tests import it.
package itertest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Args makes up arguments for the method type mt: ctx, "p<i>" for string
// parameters (path parameters), zero values else (nil parameters and
// bodies).
func Args(ctx context.Context, mt reflect.Type) []reflect.Value {
	in := make([]reflect.Value, mt.NumIn())
	in[0] = reflect.ValueOf(ctx)
	for i := 1; i < mt.NumIn(); i++ {
		v := reflect.New(mt.In(i)).Elem()
		if v.Kind() == reflect.String {
			v.SetString("p" + strconv.Itoa(i))
		}
		in[i] = v
	}
	return in
}

// Drain calls the iterator method m with Args and ranges over what it
// returns, counting items until the first error, or until limit items
// (limit ≤ 0: no limit) so that an iterator that never ends cannot hang
// the test.
func Drain(ctx context.Context, m reflect.Value, limit int) (items int, err error) {
	seq := m.Call(Args(ctx, m.Type()))[0]
	yield := reflect.MakeFunc(seq.Type().In(0), func(in []reflect.Value) []reflect.Value {
		if e := in[1]; !e.IsNil() {
			err = e.Interface().(error)
			return []reflect.Value{reflect.ValueOf(false)}
		}
		items++
		return []reflect.Value{reflect.ValueOf(limit <= 0 || items < limit)}
	})
	seq.Call([]reflect.Value{yield})
	return items, err
}

// DistinctItems returns n JSON items that decode, as the element type of
// the iterator method type mt, to n different values: an object with an
// undeclared member (kept by the lossless types), else strings, else
// numbers, else objects whose first string member differs.
func DistinctItems(mt reflect.Type, n int) ([]json.RawMessage, error) {
	el := mt.Out(0).In(0).In(0)
	candidates := []func(i int) string{
		func(i int) string { return fmt.Sprintf(`{"mgmtapiTestItem":%d}`, i) },
		func(i int) string { return fmt.Sprintf(`"item-%d"`, i) },
		func(i int) string { return strconv.Itoa(i) },
	}
	if el.Kind() == reflect.Struct {
		for i := range el.NumField() {
			f := el.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Type.Kind() == reflect.String && name != "" && name != "-" {
				candidates = append(candidates, func(i int) string { return fmt.Sprintf(`{%q:"item-%d"}`, name, i) })
				break
			}
		}
	}
	for _, enc := range candidates {
		a, b := reflect.New(el), reflect.New(el)
		if json.Unmarshal([]byte(enc(0)), a.Interface()) != nil || json.Unmarshal([]byte(enc(1)), b.Interface()) != nil ||
			reflect.DeepEqual(a.Interface(), b.Interface()) {
			continue
		}
		out := make([]json.RawMessage, n)
		for i := range out {
			out[i] = json.RawMessage(enc(i))
		}
		return out, nil
	}
	return nil, fmt.Errorf("no JSON gives distinct items of %v", el)
}
