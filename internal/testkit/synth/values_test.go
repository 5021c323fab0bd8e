package synth

import (
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestSample(t *testing.T) {
	str := openapi3.NewStringSchema
	tests := []struct {
		name   string
		schema *openapi3.Schema
		want   any
	}{
		{"uuid", str().WithFormat("uuid"), FixedUUID},
		{"enum", str().WithEnum("b", "c"), "b"},
		{"pattern", str().WithPattern("^con_[A-Za-z0-9]+$"), "con_abc123"},
		{"min length", str().WithMinLength(3), "xxx"},
		{"integer minimum", openapi3.NewIntegerSchema().WithMin(5), float64(5)},
		{"example wins", str().WithFormat("email"), "user@example.com"},
		{"object required only", openapi3.NewObjectSchema().
			WithProperty("a", str()).WithProperty("b", str()).WithRequired([]string{"a"}),
			map[string]any{"a": "x"}},
		{"literal pattern", str().WithPattern(`^simplified/1\.0$`), "simplified/1.0"},
		{"minProperties adds optional", func() *openapi3.Schema {
			o := openapi3.NewObjectSchema().WithProperty("b", str()).WithProperty("a", openapi3.NewBoolSchema())
			o.MinProps = 1
			return o
		}(), map[string]any{"a": true}},
		{"readOnly required left out", openapi3.NewObjectSchema().
			WithProperty("id", &openapi3.Schema{Type: &openapi3.Types{"string"}, ReadOnly: true}).WithRequired([]string{"id"}),
			map[string]any{}},
	}
	sm := Sampler{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := sm.Sample(openapi3.NewSchemaRef("", tt.schema))
			if !ok {
				t.Fatal("no valid sample")
			}
			if !equalJSON(got, tt.want) {
				t.Fatalf("sample = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func equalJSON(a, b any) bool {
	x, err1 := Normalize(a)
	y, err2 := Normalize(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return jsonString(x) == jsonString(y)
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestFromPattern(t *testing.T) {
	for _, p := range []string{"^exp_[A-HJ-NP-Za-km-z1-9]+$", "^grp_[1-9a-km-zA-HJ-NP-Z]{14,22}$", "^[a-zA-Z0-9]{32}$", `^(ab|cd)\d{3}-x?$`} {
		got := Sampler{}.buildString(&openapi3.Schema{Type: &openapi3.Types{"string"}, Pattern: p})
		m, err := compileECMAScript(p)
		if err != nil || !m.MatchString(got) {
			t.Errorf("pattern %s: built %q, which does not match", p, got)
		}
	}
}
