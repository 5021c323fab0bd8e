package frontgen

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// listOps returns "METHOD PATH" -> operationId of the document's list
// operations, decided from the spec alone: a GET whose 2xx JSON body is an
// array, an object of one array member besides paging metadata, or a oneOf
// (the request chooses the member through paging parameters) with an array
// member.
func listOps(t *testing.T, doc []byte) map[string]string {
	t.Helper()
	var d struct {
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Schemas    map[string]map[string]any
			Responses  map[string]map[string]any
			Parameters map[string]map[string]any
		}
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	resolve := func(s map[string]any) map[string]any {
		for range 20 {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			s = d.Components.Schemas[ref[strings.LastIndex(ref, "/")+1:]]
		}
		return s
	}
	isArray := func(s map[string]any) bool { return resolve(s)["type"] == "array" }
	out := map[string]string{}
	for path, item := range d.Paths {
		raw, ok := item["get"]
		if !ok {
			continue
		}
		var o struct {
			OperationID string                    `json:"operationId"`
			Parameters  []map[string]any          `json:"parameters"`
			Responses   map[string]map[string]any `json:"responses"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		var query []string
		for _, p := range o.Parameters {
			if ref, ok := p["$ref"].(string); ok {
				p = d.Components.Parameters[ref[strings.LastIndex(ref, "/")+1:]]
			}
			if p["in"] == "query" {
				query = append(query, p["name"].(string))
			}
		}
		list := false
		for code, r := range o.Responses {
			if !strings.HasPrefix(code, "2") {
				continue
			}
			if ref, ok := r["$ref"].(string); ok {
				r = d.Components.Responses[ref[strings.LastIndex(ref, "/")+1:]]
			}
			content, _ := r["content"].(map[string]any)
			for ct, m := range content {
				if !strings.Contains(ct, "json") {
					continue
				}
				sch, _ := m.(map[string]any)["schema"].(map[string]any)
				s := resolve(sch)
				switch {
				case s["type"] == "array":
					list = true
				case s["oneOf"] != nil:
					if !slices.Contains(query, "include_totals") && !(slices.Contains(query, "from") && slices.Contains(query, "take")) {
						continue
					}
					for _, m := range s["oneOf"].([]any) {
						list = list || isArray(m.(map[string]any))
					}
				default:
					props, _ := s["properties"].(map[string]any)
					arrays, other := 0, 0
					for name, p := range props {
						switch {
						case metadata(name):
						case isArray(p.(map[string]any)):
							arrays++
						default:
							other++
						}
					}
					list = list || (arrays == 1 && other == 0)
				}
			}
		}
		if list {
			out["GET "+path] = o.OperationID
		}
	}
	return out
}

// iterators returns the …All methods of a front.gen.go with their paging
// kind, from their documentation.
func iterators(t *testing.T, path string) (all map[string]string, methods []string) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	all = map[string]string{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil {
			continue
		}
		methods = append(methods, fd.Name.Name)
		if !strings.HasSuffix(fd.Name.Name, "All") || !strings.Contains(fd.Doc.Text(), " iterates over ") {
			continue
		}
		doc := fd.Doc.Text()
		_, kind, ok := strings.Cut(doc, "Paging: ")
		if !ok {
			t.Errorf("%s: iterator %s does not document its paging", path, fd.Name.Name)
		}
		all[fd.Name.Name] = strings.TrimSuffix(strings.TrimSpace(kind), ".")
	}
	return all, methods
}

// frontFiles are the front doors of each API (specs/pipeline.yaml dir; a
// split API has one per tag package).
var frontFiles = map[string]string{
	"auth0": "auth0/*/front.gen.go", "umbraco17": "umbraco/v17/*/front.gen.go", "umbraco18": "umbraco/v18/*/front.gen.go",
	"applications": "asgardeo/applications/front.gen.go", "scimbulk": "asgardeo/bulk/front.gen.go",
	"scimgroups": "asgardeo/groups/front.gen.go", "scimme": "asgardeo/me/front.gen.go",
	"scimresourcetypes": "asgardeo/resourcetypes/front.gen.go", "scimroles": "asgardeo/roles/front.gen.go",
	"scimschemas": "asgardeo/schemas/front.gen.go", "scimspconfig": "asgardeo/spconfig/front.gen.go",
	"scimusers": "asgardeo/users/front.gen.go",
}

// TestEveryListOperationHasAnIterator prints, per API, which operations got
// an iterator and how it pages, and fails for a list operation without one.
func TestEveryListOperationHasAnIterator(t *testing.T) {
	for _, api := range apis() {
		t.Run(api, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join("..", "..", "..", "specs", ".cache", "fixed", api+".json"))
			if err != nil {
				t.Fatalf("%v (run make fix first)", err)
			}
			files, err := filepath.Glob(filepath.Join("..", "..", "..", frontFiles[api]))
			if err != nil || len(files) == 0 {
				t.Fatalf("%s: no front doors at %s (%v)", api, frontFiles[api], err)
			}
			all, methods := map[string]string{}, []string(nil)
			for _, f := range files {
				a, m := iterators(t, f)
				maps.Copy(all, a)
				methods = append(methods, m...)
			}
			byKey := map[string]string{}
			for _, m := range methods {
				byKey[normalize(m)] = m
			}
			lists := listOps(t, doc)
			keys := make([]string, 0, len(lists))
			for k := range lists {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			kinds := map[string]int{}
			for _, k := range keys {
				name, ok := byKey[normalize(lists[k])]
				if !ok {
					t.Errorf("%s (%s): no front-door method", k, lists[k])
					continue
				}
				kind, ok := all[name+"All"]
				if !ok {
					t.Errorf("%s: list operation without iterator %sAll", k, name)
					continue
				}
				kinds[kind]++
				t.Logf("%-70s %sAll (%s)", k, name, kind)
				delete(all, name+"All")
			}
			for extra := range all {
				t.Errorf("iterator %s is not for a list operation of the spec", extra)
			}
			t.Logf("%s: %d list operations, every one with an iterator: %v", api, len(keys), kinds)
		})
	}
}
