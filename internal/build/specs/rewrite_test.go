package specs

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// generateTestClient runs the pinned oapi-codegen on testdata/rewrite, a
// small API with one of each shape the rewrites edit.
func generateTestClient(t *testing.T) []byte {
	t.Helper()
	cmd := exec.Command("go", "tool", "oapi-codegen", "-config", "testdata/rewrite/codegen.yaml", "testdata/rewrite/openapi.yaml")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oapi-codegen: %v\n%s", err, stderr.String())
	}
	return out
}

func allRewrites() []string {
	var names []string
	for _, r := range Rewrites() {
		names = append(names, r.Name)
	}
	return names
}

func TestRewriteSource(t *testing.T) {
	src := generateTestClient(t)
	out, client, counts, err := RewriteSource(src, allRewrites())
	if err != nil {
		t.Fatal(err)
	}
	if client != "Client" {
		t.Errorf("client type = %q, want Client", client)
	}
	got := map[string]int{}
	for _, c := range counts {
		got[c.Name] = c.Sites
	}
	code := string(out)
	for _, tc := range []struct {
		rewrite string
		sites   int
		// want appear in the output in this order (tabs dropped).
		want []string
	}{
		{"client-body-limit-field", 1, []string{"RequestEditors []RequestEditorFn", "maxResponseBody int64\n}"}},
		{"one-segment-path-params", 2, []string{
			`pathParam0, err = runtime.StyleParamWithOptions("simple", false, "id"`, "return nil, err\n}\n\nif err := checkPathSegment(\"GetPart\", \"id\", pathParam0); err != nil {",
			`pathParam1, err = runtime.StyleParamWithOptions("simple", false, "part"`, "if err := checkPathSegment(\"GetPart\", \"part\", pathParam1); err != nil {",
			"serverURL, err := url.Parse(server)",
		}},
		// page and include_totals; q (a string) and "odd name" (escaped) stay with the runtime.
		{"direct-scalar-query-params", 2, []string{
			`rawQueryFragments = append(rawQueryFragments, queryInteger("page", *params.Page))`,
			`rawQueryFragments = append(rawQueryFragments, queryBoolean("include_totals", *params.IncludeTotals))`,
			`runtime.StyleParamWithOptions("form", true, "q", *params.Q`,
			`runtime.StyleParamWithOptions("form", true, "odd name", *params.OddName`,
		}},
		{"constant-operation-paths", 3, []string{`operationPath := "./things"`, `operationPath := "./things"`, `operationPath := "./things"`}},
		{"alias-request-bodies", 1, []string{"type CreateThingJSONRequestBody = CreateThingJSONBody\n"}},
		{"limit-response-bodies", 5, []string{"return ParseDeleteThingsResponse(c.limitBody(rsp))", "return ParseCreateThingResponse(c.limitBody(rsp))", "return ParseGetPartResponse(c.limitBody(rsp))"}},
		{"bounded-body-reads", 4, []string{"func ParseDeleteThingsResponse", "bodyBytes, err := readResponseBody(rsp)", "func ParseCreateThingResponse", "bodyBytes, err := readResponseBody(rsp)", "func ParseGetPartResponse", "bodyBytes, err := readResponseBody(rsp)"}},
		{"decode-errors-only-for-2xx", 3, []string{
			"func ParseCreateThingResponse", "if err := decodeDeclared(rsp, func() (*CreateThingResponse, error) {\nswitch {", "return response, nil\n}); err != nil {\nreturn nil, err\n}",
			"func ParseGetPartResponse", "if err := decodeDeclared(rsp, func() (*GetPartResponse, error) {\nswitch {",
		}},
		// GetPart and ListThings declare exactly one JSON 2xx body
		// (CreateThing has 201 and 202); the field is filled before the
		// headers are bound.
		{"fill-undeclared-2xx", 2, []string{
			"type GetPartResponse struct", "// (also for any other 2xx response with a JSON body that decodes into it)\nJSON200 *Thing",
			"func ParseGetPartResponse", "}); err != nil {\nreturn nil, err\n}\nfillUndeclared2xx(rsp, bodyBytes, &response.JSON200)", "var headers GetPartResponse200Headers",
		}},
	} {
		t.Run(tc.rewrite, func(t *testing.T) {
			if got[tc.rewrite] != tc.sites {
				t.Errorf("%s changed %d places, want %d", tc.rewrite, got[tc.rewrite], tc.sites)
			}
			rest := strings.ReplaceAll(code, "\t", "")
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks, after the previous match:\n%s", w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
	if n := strings.Count(code, "io.ReadAll"); n != 0 {
		t.Errorf("%d unbounded reads remain", n)
	}
	if n := strings.Count(code, "fillUndeclared2xx("); n != 2 {
		t.Errorf("fillUndeclared2xx called %d times, want 2", n)
	}
}

// TestRewriteSourceFails holds the discipline: a rewrite that finds nothing,
// or finds its anchor changed, fails generation instead of being skipped.
func TestRewriteSourceFails(t *testing.T) {
	src := string(generateTestClient(t))
	for _, tc := range []struct {
		name     string
		old, new string // edit of the generated source
		rewrites []string
		wantErr  string
	}{
		{"unknown rewrite", "", "", []string{"no-such-rewrite"}, `unknown rewrite "no-such-rewrite"`},
		{"nothing to alias", "type CreateThingJSONRequestBody CreateThingJSONBody", "type CreateThingJSONRequestBody = CreateThingJSONBody",
			[]string{"alias-request-bodies"}, "rewrite alias-request-bodies changed nothing"},
		{"body read changed", "bodyBytes, err := io.ReadAll(rsp.Body)\n\tdefer func() { _ = rsp.Body.Close() }()\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\n\tresponse := &GetPartResponse{",
			"bodyBytes, err := io.ReadAll(io.LimitReader(rsp.Body, 1))\n\tdefer func() { _ = rsp.Body.Close() }()\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\n\tresponse := &GetPartResponse{",
			[]string{"bounded-body-reads"}, "ParseGetPartResponse does not start with a read of rsp.Body"},
		{"path parameter not styled", `pathParam1, err = runtime.StyleParamWithOptions("simple", false, "part"`, `pathParam1, err = runtime.StyleOther("simple", false, "part"`,
			[]string{"one-segment-path-params"}, "path parameter pathParam1 is not styled by the runtime"},
		{"request builder without its doc", "constructs an http.Request for the GetPart method", "builds a request",
			[]string{"one-segment-path-params"}, "NewGetPartRequest builds a path without the doc comment naming its operation"},
		{"no client", "type ClientOption func(*Client) error", "type ClientOption func(Client) error",
			[]string{"client-body-limit-field"}, "declares no ClientOption"},
		{"WithResponse without Parse", "return ParseDeleteThingsResponse(rsp)", "return nil, nil",
			[]string{"limit-response-bodies"}, "DeleteThingsWithResponse does not end in return Parse...(rsp)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := src
			if tc.old != "" {
				if !strings.Contains(src, tc.old) {
					t.Fatalf("generated code lacks %q: update the test", tc.old)
				}
				edited = strings.Replace(src, tc.old, tc.new, 1)
			}
			_, _, _, err := RewriteSource([]byte(edited), tc.rewrites)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

// TestRewrittenClientBuilds compiles the rewritten test client with its
// companion file, in a throwaway module that uses this one.
func TestRewrittenClientBuilds(t *testing.T) {
	out, client, _, err := RewriteSource(generateTestClient(t), allRewrites())
	if err != nil {
		t.Fatal(err)
	}
	wire, err := companion("rewritten", client)
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"go.mod":           []byte("module rewritten\n\ngo 1.26\n\nrequire github.com/mgmtapi/mgmtapi v0.0.0\n\nreplace github.com/mgmtapi/mgmtapi => " + root + "\n"),
		"go.sum":           sum,
		"rewritten.gen.go": out,
		CompanionFile:      wire,
		"scalar_test.go":   []byte(scalarQueryTest),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"vet", "."}, {"test", "-count=1", "."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s of the rewritten client: %v\n%s", args[0], err, b)
		}
	}
}

// scalarQueryTest runs in the rewritten client's package
// (TestRewrittenClientBuilds): the companion's fragments must be the
// runtime's, byte for byte, for the edge values of every integer width and
// both booleans, so direct-scalar-query-params changes no byte on the wire.
const scalarQueryTest = `package rewritten

import (
	"math"
	"testing"

	"github.com/oapi-codegen/runtime"
)

func runtimeFragment(t *testing.T, typ string, v any) string {
	t.Helper()
	s, err := runtime.StyleParamWithOptions("form", true, "per_page", v, runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationQuery, Type: typ})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type enumInt int32

type flag bool

func TestScalarQueryFragments(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 9, 10, 99, 100, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64} {
		if got, want := queryInteger("per_page", v), runtimeFragment(t, "integer", v); got != want {
			t.Errorf("int64 %d: %q, runtime %q", v, got, want)
		}
		if v >= math.MinInt32 && v <= math.MaxInt32 {
			if got, want := queryInteger("per_page", int32(v)), runtimeFragment(t, "integer", int32(v)); got != want {
				t.Errorf("int32 %d: %q, runtime %q", v, got, want)
			}
			if got, want := queryInteger("per_page", enumInt(v)), runtimeFragment(t, "integer", enumInt(v)); got != want {
				t.Errorf("named int32 %d: %q, runtime %q", v, got, want)
			}
		}
		if got, want := queryInteger("per_page", int(v)), runtimeFragment(t, "integer", int(v)); got != want {
			t.Errorf("int %d: %q, runtime %q", v, got, want)
		}
	}
	for _, v := range []bool{true, false} {
		if got, want := queryBoolean("per_page", v), runtimeFragment(t, "boolean", v); got != want {
			t.Errorf("bool %v: %q, runtime %q", v, got, want)
		}
		if got, want := queryBoolean("per_page", flag(v)), runtimeFragment(t, "boolean", flag(v)); got != want {
			t.Errorf("named bool %v: %q, runtime %q", v, got, want)
		}
	}
}
`

func TestLoadPipelineRejectsUnknownRewrite(t *testing.T) {
	p, _ := fixture(t, "[unwrap-single-oneof]", okOverlay)
	b, _ := os.ReadFile(filepath.Join(p.Dir, "pipeline.yaml"))
	writeFile(t, filepath.Join(p.Dir, "pipeline.yaml"), append(b, "    rewrites: [bounded-body-reads, no-such-rewrite]\n"...))
	if _, err := LoadPipeline(p.Dir); err == nil || !strings.Contains(err.Error(), `unknown rewrite "no-such-rewrite"`) {
		t.Fatalf("err = %v", err)
	}
}

// TestDropUnusedImports: a standard-library import the rewrites left unused
// goes; used ones, named ones and non-standard paths (whose package name
// may differ from the last element) stay.
func TestDropUnusedImports(t *testing.T) {
	src := []byte(`package p

import (
	"fmt"
	"io"
	"net/http"

	"gopkg.in/yaml.v3"
	rt "github.com/oapi-codegen/runtime"
)

var _ = fmt.Sprint
var _ http.Header
`)
	out, err := dropUnusedImports(src)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, keep := range []string{`"fmt"`, `"net/http"`, `"gopkg.in/yaml.v3"`, `rt "github.com/oapi-codegen/runtime"`} {
		if !strings.Contains(got, keep) {
			t.Errorf("dropped %s:\n%s", keep, got)
		}
	}
	if strings.Contains(got, `"io"`) {
		t.Errorf("kept the unused io:\n%s", got)
	}
}
