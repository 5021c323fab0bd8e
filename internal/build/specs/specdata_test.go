package specs

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func TestReduceForValidation(t *testing.T) {
	in := `{"openapi":"3.0.3","info":{"title":"T","version":"2","description":"long"},
	"tags":[{"name":"a","description":"prose"}],"x-top":1,
	"paths":{"/a":{"get":{"operationId":"getA","summary":"s","description":"d","tags":["a"],"x-ext":true,
	  "parameters":[{"name":"q","in":"query","description":"q","example":"x","schema":{"type":"integer","maximum":9007199254740993}}],
	  "responses":{"200":{"description":"ok","content":{"application/json":{"examples":{"e":{"value":1}},
	    "schema":{"type":"object","required":["description"],"properties":{"description":{"type":"string","description":"the member","enum":["a` + "`" + `b"]},"x-name":{"type":"string"}}}}}}}}}},
	"components":{"examples":{"e":{"value":1}},"schemas":{"tags":{"type":"string","example":"t","default":{"description":"kept"}}}}}`
	out, err := reduceForValidation([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, gone := range []string{`"long"`, `"prose"`, "x-top", "x-ext", `"summary"`, `"s"`, `"d"`, `"q","in":"query","description"`, `"examples"`, `"example"`, `"the member"`, `"ok"`} {
		if strings.Contains(s, gone) {
			t.Errorf("%s still in %s", gone, s)
		}
	}
	for _, kept := range []string{`"operationId":"getA"`, `"required":["description"]`, `"properties":{"description":{`, `"x-name":{"type":"string"}`,
		`"maximum":9007199254740993`, `"tags":{"default":{"description":"kept"},"type":"string"}`, `"version":"2"`, "a`b"} {
		if !strings.Contains(s, kept) {
			t.Errorf("%s missing from %s", kept, s)
		}
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	lit := goRawString(out)
	src := "package p\nconst c = " + lit + "\n"
	if _, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0); err != nil {
		t.Fatalf("literal does not parse: %v", err)
	}
	if !strings.Contains(lit, "` + \"`\" + `") {
		t.Fatal("backquote not spliced")
	}
}

// TestCheckComparesSpecData: check-gen compares the validation documents,
// so a stale one fails it.
func TestCheckComparesSpecData(t *testing.T) {
	p := &Pipeline{}
	roots := p.generatedRoots()
	for _, r := range roots {
		if r == SpecDataDir {
			return
		}
	}
	t.Fatalf("generatedRoots %v lack %s", roots, SpecDataDir)
}
