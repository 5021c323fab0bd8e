package specs

import (
	"encoding/json"
	"fmt"
	"go/token"
	"sort"
	"strings"
)

// A split API is generated as one Go package per tag (the first tag of each
// operation) plus one package, model, holding the schemas that operations of
// two or more tags reach. A program then compiles only the tags it imports
// (docs/architecture.md). The split runs after every step and overlay, on
// the fixed document, so the fixes apply once for the whole API.

// TagDoc is the sub-document of one tag: its operations and every component
// they reach (the shared schemas included, so that oapi-codegen sees a whole
// document; externalize moves their Go declarations to the model package).
type TagDoc struct {
	// Tag is the OpenAPI tag, e.g. "users" or "Document Type".
	Tag string
	// Package is the Go package name and directory, e.g. "documenttype".
	Package string
	// Doc is the sub-document, JSON.
	Doc []byte
	// Operations counts the tag's operations.
	Operations int
}

// Split is a fixed document cut by tag.
type Split struct {
	// Model is a document with no operations whose schemas are the ones
	// reached by operations of two or more tags (a closed set: what a shared
	// schema reaches is shared too).
	Model []byte
	// Shared is the number of schemas in Model.
	Shared int
	// Tags are the tags' sub-documents, sorted by package name.
	Tags []TagDoc
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// SplitByTag cuts the fixed document doc by the first tag of each operation.
func SplitByTag(doc []byte) (*Split, error) {
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	paths, _ := d["paths"].(map[string]any)
	comps, _ := d["components"].(map[string]any)
	// Operations per tag, as path -> method -> operation.
	byTag := map[string]map[string]map[string]any{}
	for p, item := range paths {
		pi, _ := item.(map[string]any)
		for _, m := range httpMethods {
			op, ok := pi[m].(map[string]any)
			if !ok {
				continue
			}
			tags, _ := op["tags"].([]any)
			if len(tags) == 0 {
				return nil, fmt.Errorf("%s %s has no tag: a split API needs one per operation", strings.ToUpper(m), p)
			}
			tag, _ := tags[0].(string)
			if byTag[tag] == nil {
				byTag[tag] = map[string]map[string]any{}
			}
			if byTag[tag][p] == nil {
				byTag[tag][p] = map[string]any{}
			}
			byTag[tag][p][m] = op
		}
	}
	// The components each tag reaches.
	reach := map[string]map[string]bool{} // tag -> "kind/name"
	schemaTags := map[string]int{}
	for tag, ps := range byTag {
		seen := map[string]bool{}
		for p, ops := range ps {
			walkRefs(paths[p].(map[string]any)["parameters"], comps, seen)
			for _, op := range ops {
				walkRefs(op, comps, seen)
			}
		}
		reach[tag] = seen
		for k := range seen {
			if strings.HasPrefix(k, "schemas/") {
				schemaTags[k]++
			}
		}
	}
	shared := map[string]bool{}
	for k, n := range schemaTags {
		if n >= 2 {
			shared[k] = true
		}
	}
	out := &Split{Shared: len(shared)}
	model := skeleton(d)
	model["paths"] = map[string]any{}
	model["components"] = pick(comps, shared, true)
	var err error
	if out.Model, err = json.MarshalIndent(model, "", "  "); err != nil {
		return nil, err
	}
	pkgs := map[string]string{}
	for tag, ps := range byTag {
		pkg := PackageOfTag(tag)
		if other, dup := pkgs[pkg]; dup {
			return nil, fmt.Errorf("tags %q and %q both make package %s", other, tag, pkg)
		}
		pkgs[pkg] = tag
		sub := skeleton(d)
		sp := map[string]any{}
		n := 0
		for p, ops := range ps {
			item := map[string]any{}
			for k, v := range paths[p].(map[string]any) {
				if !isMethod(k) {
					item[k] = v
				}
			}
			for m, op := range ops {
				item[m] = op
				n++
			}
			sp[p] = item
		}
		sub["paths"] = sp
		sub["components"] = pick(comps, reach[tag], false)
		b, err := json.MarshalIndent(sub, "", "  ")
		if err != nil {
			return nil, err
		}
		out.Tags = append(out.Tags, TagDoc{Tag: tag, Package: pkg, Doc: b, Operations: n})
	}
	sort.Slice(out.Tags, func(i, j int) bool { return out.Tags[i].Package < out.Tags[j].Package })
	return out, nil
}

// PackageOfTag is the Go package name of a tag: its letters and digits in
// lower case ("Document Type" -> "documenttype", "log-streams" ->
// "logstreams"); a Go keyword gets an "s" ("Package" -> "packages") and
// "model" (the shared package) is refused by the caller's duplicate check.
func PackageOfTag(tag string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(tag) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if token.IsKeyword(s) || s == "model" {
		s += "s"
	}
	return s
}

func isMethod(k string) bool {
	for _, m := range httpMethods {
		if k == m {
			return true
		}
	}
	return false
}

// skeleton copies the top-level members of d other than paths and components.
func skeleton(d map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range d {
		if k != "paths" && k != "components" {
			out[k] = v
		}
	}
	return out
}

// pick returns the components named in keep ("kind/name"); securitySchemes
// are always kept. With onlySchemas, other kinds are dropped.
func pick(comps map[string]any, keep map[string]bool, onlySchemas bool) map[string]any {
	out := map[string]any{}
	for kind, v := range comps {
		m, _ := v.(map[string]any)
		if kind == "securitySchemes" {
			if !onlySchemas {
				out[kind] = m
			}
			continue
		}
		if onlySchemas && kind != "schemas" {
			continue
		}
		sel := map[string]any{}
		for name, c := range m {
			if keep[kind+"/"+name] {
				sel[name] = c
			}
		}
		if len(sel) > 0 {
			out[kind] = sel
		}
	}
	return out
}

// walkRefs adds to seen every component ("kind/name") that v reaches
// through local $refs, transitively.
func walkRefs(v any, comps map[string]any, seen map[string]bool) {
	switch t := v.(type) {
	case string:
		// $ref values, and discriminator mappings, which name schemas by
		// reference too.
		if rest, ok := strings.CutPrefix(t, "#/components/"); ok {
			kind, name, _ := strings.Cut(rest, "/")
			name = strings.ReplaceAll(strings.ReplaceAll(name, "~1", "/"), "~0", "~")
			key := kind + "/" + name
			if !seen[key] {
				seen[key] = true
				if m, ok := comps[kind].(map[string]any); ok {
					walkRefs(m[name], comps, seen)
				}
			}
		}
	case map[string]any:
		for _, x := range t {
			walkRefs(x, comps, seen)
		}
	case []any:
		for _, x := range t {
			walkRefs(x, comps, seen)
		}
	}
}
