package specs

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// applyStep runs one named step on a YAML or JSON document and returns the
// result as compact JSON, so expectations read as JSON.
func applyStep(t *testing.T, step, in string) (string, int) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(in), &doc); err != nil {
		t.Fatal(err)
	}
	s, err := stepByName(step)
	if err != nil {
		t.Fatal(err)
	}
	n := s.Apply(&doc)
	out, err := toJSON(&doc)
	if err != nil {
		t.Fatal(err)
	}
	var c bytes.Buffer
	if err := json.Compact(&c, out); err != nil {
		t.Fatalf("step output is not JSON: %v\n%s", err, out)
	}
	return c.String(), n
}

func TestSteps(t *testing.T) {
	tests := []struct {
		step, in, want string
		changes        int
	}{
		{
			"unwrap-single-oneof",
			`{"a":{"oneOf":[{"$ref":"#/X"}]},"b":{"oneOf":[{"$ref":"#/X"}],"nullable":true,"readOnly":true},"c":{"oneOf":[{"$ref":"#/X"},{"$ref":"#/Y"}]}}`,
			`{"a":{"$ref":"#/X"},"b":{"allOf":[{"$ref":"#/X"}],"nullable":true,"readOnly":true},"c":{"oneOf":[{"$ref":"#/X"},{"$ref":"#/Y"}]}}`,
			2,
		},
		{
			"json-request-bodies-only",
			`{"paths":{"/a":{"post":{"requestBody":{"content":{"application/json":{},"text/json":{},"application/*+json":{}}},"responses":{"200":{"content":{"text/plain":{},"application/json":{}}}}}},"/b":{"post":{"requestBody":{"content":{"multipart/form-data":{}}}}}}}`,
			`{"paths":{"/a":{"post":{"requestBody":{"content":{"application/json":{}}},"responses":{"200":{"content":{"text/plain":{},"application/json":{}}}}}},"/b":{"post":{"requestBody":{"content":{"multipart/form-data":{}}}}}}}`,
			2,
		},
		{
			"dedupe-union-members",
			`{"s":{"oneOf":[{"$ref":"#/A"},{"$ref":"#/B"},{"$ref":"#/A"}]},"t":{"anyOf":[{"type":"string"},{"type":"string"}]}}`,
			`{"s":{"oneOf":[{"$ref":"#/A"},{"$ref":"#/B"}]},"t":{"anyOf":[{"type":"string"},{"type":"string"}]}}`,
			1,
		},
		{
			"type-untyped-enums",
			`{"components":{"schemas":{"Mode":{"enum":["Crop","Max",null]},"Num":{"enum":[1,2]},"Mixed":{"enum":["a",1]},"Typed":{"type":"string","enum":["x"]}}}}`,
			`{"components":{"schemas":{"Mode":{"enum":["Crop","Max"],"type":"string"},"Num":{"enum":[1,2],"type":"integer"},"Mixed":{"enum":["a",1]},"Typed":{"type":"string","enum":["x"]}}}}`,
			2,
		},
		{
			"drop-mistyped-examples",
			`{"a":{"type":"string","example":["x"]},"b":{"type":"object","example":[{}]},"c":{"type":"array","example":["x"]},"d":{"type":"integer","example":"1"},"e":{"type":"string","example":"ok"},"f":{"type":["string","null"],"example":1}}`,
			`{"a":{"type":"string"},"b":{"type":"object"},"c":{"type":"array","example":["x"]},"d":{"type":"integer"},"e":{"type":"string","example":"ok"},"f":{"type":["string","null"],"example":1}}`,
			3,
		},
		{
			"scim-media-type-as-json",
			"paths:\n  /Users:\n    post:\n      requestBody:\n        content:\n          application/scim+json: {}\n      responses:\n        '201':\n          content:\n            application/scim+json: {}\n",
			`{"paths":{"/Users":{"post":{"requestBody":{"content":{"application/json":{}}},"responses":{"201":{"content":{"application/json":{}}}}}}}}`,
			2,
		},
		{
			"scim-media-type-and-json",
			"paths:\n  /Users:\n    post:\n      requestBody:\n        content:\n          application/scim+json: {schema: {type: object}}\n      responses:\n        '201':\n          content:\n            application/scim+json: {}\n        '200':\n          content:\n            application/json: {}\n",
			`{"paths":{"/Users":{"post":{"requestBody":{"content":{"application/scim+json":{"schema":{"type":"object"}},"application/json":{"schema":{"type":"object"}}}},"responses":{"201":{"content":{"application/scim+json":{},"application/json":{}}},"200":{"content":{"application/json":{}}}}}}}}`,
			2,
		},
		{
			"keep-unknown-members",
			`{"components":{"schemas":{"A":{"type":"object","properties":{"properties":{"type":"object","properties":{"x":{"type":"string"}},"additionalProperties":false}}},"M":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}},"U":{"oneOf":[{"$ref":"#/A"}],"properties":{"k":{"type":"string"}}},"E":{"type":"object","example":{"properties":{"a":1}}},"F":{"type":"object"},"V":{"oneOf":[{"$ref":"#/components/schemas/W"},{"type":"object","properties":{"e":{"type":"string"}},"additionalProperties":false}]},"W":{"$ref":"#/components/schemas/X"},"X":{"type":"object","properties":{"d":{"type":"string"}},"additionalProperties":false}}}}`,
			`{"components":{"schemas":{"A":{"type":"object","properties":{"properties":{"type":"object","properties":{"x":{"type":"string"}},"additionalProperties":true}},"additionalProperties":true},"M":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}},"U":{"oneOf":[{"$ref":"#/A"}],"properties":{"k":{"type":"string"}}},"E":{"type":"object","example":{"properties":{"a":1}}},"F":{"type":"object"},"V":{"oneOf":[{"$ref":"#/components/schemas/W"},{"type":"object","properties":{"e":{"type":"string"}},"additionalProperties":false}]},"W":{"$ref":"#/components/schemas/X"},"X":{"type":"object","properties":{"d":{"type":"string"}},"additionalProperties":false}}}}`,
			2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.step, func(t *testing.T) {
			got, n := applyStep(t, tt.step, tt.in)
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if n != tt.changes {
				t.Errorf("reported %d changes, want %d", n, tt.changes)
			}
		})
	}
}

func TestEveryStepIsDocumented(t *testing.T) {
	for _, s := range Steps() {
		if s.Name == "" || s.Why == "" || s.Apply == nil {
			t.Errorf("step %q lacks a name, reason or function", s.Name)
		}
	}
}

func TestToJSONScalars(t *testing.T) {
	in := "a: 0x1F\nb: 1.5e3\nc: yes\nd: ~\ne: 'true'\nf: <&>\ng: [1, 'x']\nh: {}\n"
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(in), &doc); err != nil {
		t.Fatal(err)
	}
	out, err := toJSON(&doc)
	if err != nil {
		t.Fatal(err)
	}
	var c bytes.Buffer
	if err := json.Compact(&c, out); err != nil {
		t.Fatal(err)
	}
	want := `{"a":31,"b":1.5e3,"c":"yes","d":null,"e":"true","f":"<&>","g":[1,"x"],"h":{}}`
	if c.String() != want {
		t.Errorf("got  %s\nwant %s", c.String(), want)
	}
}

// fixture writes a minimal specs/ folder with one API and returns its pipeline.
func fixture(t *testing.T, steps, overlay string) (*Pipeline, API) {
	t.Helper()
	dir := t.TempDir()
	spec := []byte(`{"openapi":"3.0.0","paths":{"/a":{"get":{"operationId":"getA"}}},"components":{"schemas":{"A":{"oneOf":[{"$ref":"#/components/schemas/B"}]},"B":{"type":"string"}}}}`)
	lock := `{"specs":[{"name":"demo","file":"demo.json","url":"https://example.invalid/x","sha256":"` + digest(spec) + `","size":` + itoa(len(spec)) + `}]}`
	writeFile(t, filepath.Join(dir, "lock.json"), []byte(lock))
	writeFile(t, filepath.Join(dir, "demo.codegen.yaml"), []byte("package: demo\n"))
	writeFile(t, filepath.Join(dir, "demo.overlay.yaml"), []byte(overlay))
	writeFile(t, filepath.Join(dir, "pipeline.yaml"), []byte("apis:\n  - name: demo\n    spec: demo\n    package: demo\n    steps: "+steps+"\n    overlays: [demo.overlay.yaml]\n    codegen: demo.codegen.yaml\n"))
	p, err := LoadPipeline(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := p.API("demo")
	return p, a
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

const okOverlay = "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n  - target: $.components.schemas.B\n    update: {description: fixed}\n"

func TestFix(t *testing.T) {
	p, a := fixture(t, "[unwrap-single-oneof]", okOverlay)
	up := []byte(`{"openapi":"3.0.0","paths":{},"components":{"schemas":{"A":{"oneOf":[{"$ref":"#/components/schemas/B"}]},"B":{"type":"string"}}}}`)
	out1, err := p.Fix(a, up)
	if err != nil {
		t.Fatal(err)
	}
	out2, _ := p.Fix(a, up)
	if !bytes.Equal(out1, out2) {
		t.Error("Fix is not deterministic")
	}
	var c bytes.Buffer
	json.Compact(&c, out1)
	want := `{"openapi":"3.0.0","paths":{},"components":{"schemas":{"A":{"$ref":"#/components/schemas/B"},"B":{"type":"string","description":"fixed"}}}}`
	if c.String() != want {
		t.Errorf("got  %s\nwant %s", c.String(), want)
	}
}

func TestFixRefusesStaleFixes(t *testing.T) {
	up := []byte(`{"openapi":"3.0.0","components":{"schemas":{"B":{"type":"string"}}}}`)
	tests := []struct{ name, steps, overlay, want string }{
		{"step with nothing to do", "[unwrap-single-oneof]", okOverlay, "changed nothing"},
		{"overlay target gone", "[]", "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n  - target: $.components.schemas.Gone\n    update: {description: x}\n", "apply overlay demo.overlay.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, a := fixture(t, tt.steps, tt.overlay)
			_, err := p.Fix(a, up)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Fix error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadPipelineRejectsUnknownStep(t *testing.T) {
	p, _ := fixture(t, "[unwrap-single-oneof]", okOverlay)
	b, _ := os.ReadFile(filepath.Join(p.Dir, "pipeline.yaml"))
	writeFile(t, filepath.Join(p.Dir, "pipeline.yaml"), bytes.Replace(b, []byte("unwrap-single-oneof"), []byte("no-such-step"), 1))
	if _, err := LoadPipeline(p.Dir); err == nil || !strings.Contains(err.Error(), `unknown step "no-such-step"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestDiff(t *testing.T) {
	old := []byte(`{"paths":{"/a":{"get":{"operationId":"getA"},"post":{"operationId":"postA"}},"/b":{"get":{"operationId":"getB"}}},"components":{"schemas":{"A":{},"Gone":{}}}}`)
	newer := []byte("paths:\n  /a:\n    get: {operationId: getA}\n    post: {operationId: createA}\n  /c:\n    delete: {operationId: delC}\ncomponents:\n  schemas:\n    A: {}\n    New: {}\n")
	var b bytes.Buffer
	if err := writeDiff(&b, Pin{Name: "demo", Version: "1"}, old, newer, "new.yaml"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"operations added: 1\n  + DELETE /c  delC\n",
		"operations removed: 1\n  - GET /b  getB\n",
		"operations changed: 1\n  ~ POST /a  postA -> createA\n",
		"schemas added: 1\n  + New\n",
		"schemas removed: 1\n  - Gone\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("diff output lacks %q:\n%s", want, b.String())
		}
	}
}

func TestCompareTrees(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(a, "p/same.go"), []byte("x"))
	writeFile(t, filepath.Join(b, "p/same.go"), []byte("x"))
	writeFile(t, filepath.Join(a, "p/changed.go"), []byte("old"))
	writeFile(t, filepath.Join(b, "p/changed.go"), []byte("new"))
	// A stale generated file is extra; a hand-written one (the vendor
	// package beside the generated ones) is not the pipeline's.
	writeFile(t, filepath.Join(a, "p/extra.go"), []byte("// Code generated by x. DO NOT EDIT.\n\npackage p\n"))
	writeFile(t, filepath.Join(a, "conn.go"), []byte("package auth0\n"))
	writeFile(t, filepath.Join(b, "q/missing.go"), []byte("x"))
	got, err := compareTrees(a, b, "auth0")
	if err != nil {
		t.Fatal(err)
	}
	want := "changed auth0/p/changed.go|extra   auth0/p/extra.go|missing auth0/q/missing.go"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q\nwant %q", strings.Join(got, "|"), want)
	}
}
