package contracttest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestCompareBearer(t *testing.T) {
	const tok = "eyJ.secret-token.value"
	tests := []struct {
		name, header, want string
		wantProblem        string
	}{
		{"match", "Bearer " + tok, tok, ""},
		{"scheme case-insensitive", "bearer " + tok, tok, ""},
		{"missing", "", tok, "no Authorization header"},
		{"basic", "Basic " + tok, tok, "not a bearer token"},
		{"other token", "Bearer other-token", tok, "token mismatch: sent sha256:"},
		{"empty source token", "Bearer x", "", "empty token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compareBearer(tt.header, tt.want)
			if tt.wantProblem == "" && got != "" || !strings.Contains(got, tt.wantProblem) {
				t.Fatalf("compareBearer = %q, want containing %q", got, tt.wantProblem)
			}
			if strings.Contains(got, tok) || strings.Contains(got, "other-token") {
				t.Fatal("the message shows a token")
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	fp := Fingerprint("s3cr3t-value")
	if strings.Contains(fp, "s3cr3t") || !strings.HasPrefix(fp, "sha256:") || !strings.Contains(fp, "len 12") {
		t.Fatalf("Fingerprint = %q", fp)
	}
	if Fingerprint("a") == Fingerprint("b") {
		t.Fatal("different secrets, same fingerprint")
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ id, goName string }{
		{"get_users", "GetUsers"},
		{"get_bot-detection", "GetBotDetection"},
		{"getUser by id", "GetUserById"},
		{"PutUmbracoManagementApiV1.1DocumentByIdValidate1.1", "PutUmbracoManagementApiV11DocumentByIdValidate11"},
	}
	for _, tt := range tests {
		if a, b := normalizeName(tt.id), normalizeName(tt.goName); a != b {
			t.Errorf("normalizeName(%q) = %q, normalizeName(%q) = %q", tt.id, a, tt.goName, b)
		}
	}
}

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
	sm := sampler{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := sm.sample(openapi3.NewSchemaRef("", tt.schema))
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
	x, err1 := normalize(a)
	y, err2 := normalize(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return jsonString(x) == jsonString(y)
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
