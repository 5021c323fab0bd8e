package scim

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
)

// These tests send what the builders produce through the parser of the
// independent SCIM server (github.com/scim2/filter-parser/v2, which
// github.com/elimity-com/scim uses) and compare its syntax tree with the
// tree the builder was given.

// tree is the comparable form of a syntax tree: and/or chains flattened,
// string values unescaped.
type tree struct {
	Kind  string
	Attr  string
	Op    string
	Value any
	Sub   string
	Kids  []tree
}

// serverNode is the JSON the server's /_parse endpoints answer.
type serverNode struct {
	Kind  string      `json:"kind"`
	Attr  string      `json:"attr"`
	Op    string      `json:"op"`
	Value any         `json:"value"`
	Sub   string      `json:"sub"`
	Left  *serverNode `json:"left"`
	Right *serverNode `json:"right"`
}

func fromServer(t *testing.T, n *serverNode) tree {
	t.Helper()
	out := tree{Kind: n.Kind, Attr: n.Attr, Op: strings.ToLower(n.Op), Sub: n.Sub}
	switch v := n.Value.(type) {
	case string:
		// The parser keeps a string value as written; decode the escapes.
		var s string
		if err := json.Unmarshal([]byte(`"`+v+`"`), &s); err != nil {
			t.Fatalf("server string value %q does not decode: %v", v, err)
		}
		out.Value = s
	default:
		out.Value = v
	}
	for _, k := range []*serverNode{n.Left, n.Right} {
		if k == nil {
			continue
		}
		kt := fromServer(t, k)
		if (n.Kind == "and" || n.Kind == "or") && kt.Kind == n.Kind {
			out.Kids = append(out.Kids, kt.Kids...)
			continue
		}
		out.Kids = append(out.Kids, kt)
	}
	return out
}

func fromBuilder(t *testing.T, n *node) tree {
	t.Helper()
	out := tree{Kind: n.kind, Attr: n.attr, Op: n.op}
	if n.value != "" {
		if err := json.Unmarshal([]byte(n.value), &out.Value); err != nil {
			t.Fatalf("builder value %s is not JSON: %v", n.value, err)
		}
	}
	for _, k := range n.kids {
		kt := fromBuilder(t, k)
		if (n.kind == "and" || n.kind == "or") && kt.Kind == n.kind {
			out.Kids = append(out.Kids, kt.Kids...)
			continue
		}
		out.Kids = append(out.Kids, kt)
	}
	return out
}

func parseOn(t *testing.T, s *testenv.SCIMServer, kind, text string) tree {
	t.Helper()
	raw, err := s.Parse(kind, text)
	if err != nil {
		t.Fatalf("the server's parser rejects %s %q: %v", kind, text, err)
	}
	var n serverNode
	if err := json.Unmarshal(raw, &n); err != nil {
		t.Fatal(err)
	}
	return fromServer(t, &n)
}

// checkFilter builds f and checks that the server parses it back into the
// same tree.
func checkFilter(t *testing.T, s *testenv.SCIMServer, f Filter) {
	t.Helper()
	text, err := f.Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	got := parseOn(t, s, "filter", text)
	if want := fromBuilder(t, f.n); !reflect.DeepEqual(got, want) {
		t.Errorf("filter %s\nserver parsed %+v\nbuilder built %+v", text, got, want)
	}
}

// checkPath builds p and checks the server's parse of it.
func checkPath(t *testing.T, s *testenv.SCIMServer, p Path) {
	t.Helper()
	text, err := p.Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	got := parseOn(t, s, "path", text)
	want := tree{Kind: "path", Attr: p.attr, Sub: p.sub}
	if p.filter != nil {
		want.Kids = []tree{fromBuilder(t, p.filter.n)}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("path %s\nserver parsed %+v\nbuilder built %+v", text, got, want)
	}
}

var roundTripValues = []string{
	"kim@example.com", `say "hi"`, `back\slash`, `\"`, "kim+scim@example.com", "a b+c%2B", "",
	"tab\there", "line\nbreak", "\x00\x1f\x7f", "ünïcödé ✓ 😀", "]", "[value eq \"x\"]", ") or (userName pr",
}

func TestFilterRoundTripThroughServerParser(t *testing.T) {
	s := testenv.SCIMServerTB(t, testenv.SCIMServerOptions{})
	for _, v := range roundTripValues {
		checkFilter(t, s, Eq("userName", v))
		checkFilter(t, s, ValueFilter("emails", And(Eq("type", "work"), Co("value", v))))
	}
	filters := []Filter{
		Pr("title"),
		Eq("active", false),
		Gt("meta.lastModified", "2011-05-13T04:42:34Z"),
		Ge("urn:example:params:2.0:User:level", 3),
		Lt("score", -1.25),
		Not(Or(Sw("userName", "a"), Ew("userName", "z"))),
		And(Eq("a", "1"), Or(Eq("b", "2"), And(Eq("c", "3"), Not(Pr("d"))))),
		Or(And(Pr("a"), Pr("b")), And(Pr("c"), Pr("d")), Pr("e")),
		Eq("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "26118915"),
		Eq("members.$ref", "https://example.com/v2/Users/1"),
	}
	for _, f := range filters {
		checkFilter(t, s, f)
	}
	paths := []Path{
		AttrPath("members"),
		AttrPath("name.givenName"),
		AttrPath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"),
		ValuePath("members", Eq("value", "2819c223-7f76-453a-919d-413861904646")),
		ValuePath("emails", And(Eq("type", "work"), Pr("value"))).Sub("display"),
		ValuePath("addresses", Eq("type", `wo"rk\`)).Sub("streetAddress"),
	}
	for _, p := range paths {
		checkPath(t, s, p)
	}
}

// FuzzFilterRoundTrip builds filters from arbitrary attribute names and
// values; whatever the builder accepts, the server's parser must read back
// as the same tree.
func FuzzFilterRoundTrip(f *testing.F) {
	for i, v := range roundTripValues {
		f.Add("userName", v, uint8(i))
	}
	f.Add("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName", "Jensen", uint8(3))
	f.Add("bad attr", "x", uint8(0))
	s := testenv.SCIMServerTB(f, testenv.SCIMServerOptions{})
	f.Fuzz(func(t *testing.T, attr, value string, shape uint8) {
		var flt Filter
		switch shape % 6 {
		case 0:
			flt = Eq(attr, value)
		case 1:
			flt = And(Sw(attr, value), Pr(attr))
		case 2:
			flt = Or(Ne(attr, value), Not(Co(attr, value)))
		case 3:
			flt = ValueFilter("emails", Ew(attr, value))
		case 4:
			flt = And(Eq("active", true), Or(Eq(attr, value), Gt(attr, int(shape))))
		case 5:
			p := ValuePath("members", Eq(attr, value)).Sub("display")
			if _, err := p.Build(); err != nil {
				return
			}
			checkPath(t, s, p)
			return
		}
		if _, err := flt.Build(); err != nil {
			return // rejected input; the unit tests check which
		}
		checkFilter(t, s, flt)
	})
}

// FuzzPatchPathRoundTrip builds PATCH paths from arbitrary attribute,
// sub-attribute and filter value; whatever the builder accepts, the
// server's path parser must read back as the same path.
func FuzzPatchPathRoundTrip(f *testing.F) {
	f.Add("members", "value", "2819c223", "display", uint8(0))
	f.Add("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value", `"quoted"`, "", uint8(1))
	f.Add("emails", "type", `wo\rk+1`, "value", uint8(2))
	f.Add("name.givenName", "x", "", "", uint8(3))
	f.Add("bad path", "x", "y", "z", uint8(2))
	s := testenv.SCIMServerTB(f, testenv.SCIMServerOptions{})
	f.Fuzz(func(t *testing.T, attr, subAttr, value, sub string, shape uint8) {
		var p Path
		switch shape % 4 {
		case 0:
			p = ValuePath(attr, Eq(subAttr, value)).Sub(sub)
		case 1:
			p = ValuePath(attr, Eq(subAttr, value))
		case 2:
			// Two comparisons: the most the independent parser takes inside
			// brackets (see ValueFilter).
			p = ValuePath(attr, Or(Eq(subAttr, value), Pr(subAttr))).Sub(sub)
		case 3:
			p = AttrPath(attr)
		}
		if _, err := p.Build(); err != nil {
			return
		}
		checkPath(t, s, p)
	})
}
