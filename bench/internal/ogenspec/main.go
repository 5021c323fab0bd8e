// Command ogenspec cuts an OpenAPI document down to the operations under
// some path prefixes and the components they reference, so that ogen can
// generate a client for them: ogen v1.25.0 cannot generate the whole Auth0
// Management API document (it stops at a oneOf of an object and a string,
// and skips operations whose anyOf or same-named sum types it does not
// implement). make bench-decode runs it before ogen; its output, like
// ogen's, goes to a gitignored directory and is never committed.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	in := flag.String("in", "", "OpenAPI document (JSON)")
	out := flag.String("out", "", "where to write the cut document")
	prefixes := flag.String("paths", "/users", "comma-separated path prefixes to keep (a prefix keeps itself and what is below it: /users keeps /users and /users/{id}, not /users-by-email)")
	flag.Parse()
	if err := run(*in, *out, strings.Split(*prefixes, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "ogenspec:", err)
		os.Exit(1)
	}
}

func run(in, out string, prefixes []string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	paths, _ := doc["paths"].(map[string]any)
	kept := map[string]any{}
	for p, item := range paths {
		for _, pre := range prefixes {
			if p == pre || strings.HasPrefix(p, strings.TrimSuffix(pre, "/")+"/") {
				kept[p] = item
			}
		}
	}
	if len(kept) == 0 {
		return fmt.Errorf("%s: no path under %v", in, prefixes)
	}
	doc["paths"] = kept
	comps, _ := doc["components"].(map[string]any)
	// Keep the components reachable from the kept paths (and the security
	// schemes, which are referenced by name, not by $ref).
	reached := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok && strings.HasPrefix(ref, "#/components/") && !reached[ref] {
				reached[ref] = true
				parts := strings.SplitN(strings.TrimPrefix(ref, "#/components/"), "/", 2)
				if len(parts) == 2 {
					if sec, ok := comps[parts[0]].(map[string]any); ok {
						walk(sec[parts[1]])
					}
				}
			}
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(kept)
	for kind, sec := range comps {
		m, ok := sec.(map[string]any)
		if !ok || kind == "securitySchemes" {
			continue
		}
		for name := range m {
			if !reached["#/components/"+kind+"/"+name] {
				delete(m, name)
			}
		}
	}
	b, err = json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}
