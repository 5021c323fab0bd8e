// Package frontgen writes the front door of a generated client
// (gen/<api>/front.gen.go): a ready client per API, one method per operation
// returning (typed value, error), and an iterator for every list operation.
//
// It reads two things only: the fixed OpenAPI document (operations, their
// query parameters, success responses and headers) and the oapi-codegen
// output (the names and Go shapes it chose). Nothing is written per
// operation by hand; the per-API part is a [Preset]: how the constructor
// authenticates and what the API's paging limits are.
package frontgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// Preset is the per-API part of a front door.
type Preset struct {
	// Vendor selects the constructor: "umbraco", "auth0" or "asgardeo".
	Vendor string
	// ServerPath is appended to the Asgardeo organisation's base URL
	// ("/scim2", "/api/server/v1").
	ServerPath string
	// PageSize is the iterators' page size when the caller sets none.
	PageSize int
	// PageLimit is how many results page-based listing reaches at most
	// (Auth0: 1,000); 0 means no limit.
	PageLimit int
	// SCIM makes the client send SCIM's media type (scim.SetMediaType):
	// Accept and Content-Type application/scim+json, as RFC 7644 asks.
	SCIM bool
	// API is the pipeline API name, recorded with every call as the
	// mgmtapi.api attribute (otelmgmt.AttrAPI).
	API string
}

// PresetFor returns the preset of the pipeline API name.
func PresetFor(api string) (Preset, bool) {
	pre, ok := presetFor(api)
	pre.API = api
	return pre, ok
}

func presetFor(api string) (Preset, bool) {
	switch api {
	case "umbraco17", "umbraco18":
		return Preset{Vendor: "umbraco", PageSize: 100}, true
	case "auth0":
		return Preset{Vendor: "auth0", PageSize: 50, PageLimit: 1000}, true
	case "scimusers", "scimgroups", "scimbulk", "scimme", "scimschemas", "scimresourcetypes", "scimspconfig":
		return Preset{Vendor: "asgardeo", ServerPath: "/scim2", PageSize: 100, SCIM: true}, true
	case "scimroles":
		return Preset{Vendor: "asgardeo", ServerPath: "/scim2/v2", PageSize: 100, SCIM: true}, true
	case "applications":
		return Preset{Vendor: "asgardeo", ServerPath: "/api/server/v1", PageSize: 30}, true
	}
	return Preset{}, false
}

// apis lists the pipeline APIs that have a preset.
func apis() []string {
	return []string{"applications", "auth0", "scimbulk", "scimgroups", "scimme", "scimresourcetypes",
		"scimroles", "scimschemas", "scimspconfig", "scimusers", "umbraco17", "umbraco18"}
}

// Paging kinds, as printed in the iterators' documentation.
const (
	KindSkipTake   = "skip/take"
	KindOffset     = "offset/limit"
	KindPage       = "page/per_page"
	KindCheckpoint = "checkpoint from/take"
	KindSCIM       = "SCIM startIndex/count"
	KindSingle     = "single response"
)

// Iterator describes one generated …All iterator: what a server must
// answer for it to page. Tests use it to drive every iterator against
// hostile servers (internal/tests/fronttest).
type Iterator struct {
	// Method is the API method, e.g. "GetUsersAll".
	Method string
	// Op is "METHOD /path".
	Op string
	// Kind is the paging kind (KindSkipTake, ...).
	Kind string
	// Items is the JSON member holding the page's elements, "" when the
	// response is the array itself.
	Items string
	// Total and Next are the JSON members of the total and of the next
	// checkpoint, "" when the iterator reads none.
	Total, Next string
	// TotalOptional reports a total the response may omit (a pointer):
	// absent, the list's size is unknown; a required total that is absent
	// reads as 0.
	TotalOptional bool
	// Size is the page size the iterator asks for when the caller sets
	// none.
	Size int
}

// Iterators describes the iterators Generate writes for package pkg.
func Iterators(pkg string, pre Preset, specJSON, goSrc []byte) ([]Iterator, error) {
	g, err := generate(pkg, pre, specJSON, goSrc)
	if err != nil {
		return nil, err
	}
	return g.iters, nil
}

// Generate returns the source of front.gen.go for package pkg.
func Generate(pkg string, pre Preset, specJSON, goSrc []byte) ([]byte, error) {
	g, err := generate(pkg, pre, specJSON, goSrc)
	if err != nil {
		return nil, err
	}
	src, err := g.imports(g.b.Bytes())
	if err != nil {
		return nil, err
	}
	out, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("frontgen: %s: formatting: %w\n%s", pkg, err, src)
	}
	return out, nil
}

// generate writes the front door's body into a gen.
func generate(pkg string, pre Preset, specJSON, goSrc []byte) (*gen, error) {
	var s spec
	if err := json.Unmarshal(specJSON, &s); err != nil {
		return nil, fmt.Errorf("frontgen: %s: spec: %w", pkg, err)
	}
	gp, err := parseGo(goSrc)
	if err != nil {
		return nil, fmt.Errorf("frontgen: %s: generated code: %w", pkg, err)
	}
	ops, err := s.operations()
	if err != nil {
		return nil, fmt.Errorf("frontgen: %s: spec: %w", pkg, err)
	}
	// Index the client's operation methods by normalised name.
	byKey := map[string]string{}
	for name := range gp.methods {
		base := strings.TrimSuffix(name, "WithBody")
		if _, ok := gp.types[base+"Response"]; !ok {
			continue
		}
		byKey[normalize(base)] = base
	}
	g := &gen{pkg: pkg, pre: pre, gp: gp, taken: map[string]bool{}}
	for name := range gp.methods {
		g.taken[name] = true
	}
	g.header()
	for _, o := range ops {
		name, ok := byKey[normalize(o.OperationID)]
		if !ok {
			return nil, fmt.Errorf("frontgen: %s: %s %s (operationId %q) has no generated method", pkg, o.Method, o.Path, o.OperationID)
		}
		if err := g.operation(o, name); err != nil {
			return nil, fmt.Errorf("frontgen: %s: %s %s: %w", pkg, o.Method, o.Path, err)
		}
	}
	return g, nil
}

type gen struct {
	pkg   string
	pre   Preset
	gp    *goPkg
	b     bytes.Buffer
	taken map[string]bool // method names in use on API
	iters []Iterator      // the iterators written
}

func (g *gen) p(format string, args ...any) { fmt.Fprintf(&g.b, format, args...) }

// claim reserves a method name of API, failing on a clash.
func (g *gen) claim(name string) error {
	if g.taken["API."+name] {
		return fmt.Errorf("front-door method %s would be declared twice", name)
	}
	g.taken["API."+name] = true
	return nil
}

// imports adds the import declaration: every package the body refers to,
// with the name the generated client imports it by.
func (g *gen) imports(body []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "front.go", body, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("frontgen: %s: %w\n%s", g.pkg, err, body)
	}
	known := map[string]string{
		"context": "context", "iter": "iter", "http": "net/http",
		"frontdoor": "github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor", "mgmtapi": "github.com/mgmtapi/mgmtapi",
		"strings": "strings", "auth0": "github.com/mgmtapi/mgmtapi/auth0", "umbraco": "github.com/mgmtapi/mgmtapi/umbraco",
		"asgardeo": "github.com/mgmtapi/mgmtapi/asgardeo",
		"apierror": "github.com/mgmtapi/mgmtapi/apierror", "url": "net/url",
		"scim": "github.com/mgmtapi/mgmtapi/scim",
	}
	for k, v := range g.gp.imports {
		known[k] = v
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if se, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := se.X.(*ast.Ident); ok {
				if _, ok := known[id.Name]; ok {
					used[id.Name] = true
				}
			}
		}
		return true
	})
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	std := func(n string) bool { return !strings.Contains(known[n], ".") }
	sort.Slice(names, func(i, j int) bool {
		if std(names[i]) != std(names[j]) {
			return std(names[i])
		}
		return known[names[i]] < known[names[j]]
	})
	var im bytes.Buffer
	im.WriteString("import (\n")
	for i, n := range names {
		if i > 0 && std(names[i-1]) && !std(n) {
			im.WriteString("\n")
		}
		path := known[n]
		if path[strings.LastIndex(path, "/")+1:] == n {
			fmt.Fprintf(&im, "\t%q\n", path)
		} else {
			fmt.Fprintf(&im, "\t%s %q\n", n, path)
		}
	}
	im.WriteString(")\n")
	marker := []byte("//frontgen:imports\n")
	return bytes.Replace(body, marker, im.Bytes(), 1), nil
}
