package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/contract"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// schemaGen builds a JSON value that a schema of the fixed spec accepts
// without drift: required members only, enum values from the enum, the
// first branch of a oneOf or anyOf, empty arrays.
type schemaGen struct{ doc map[string]any }

func (g *schemaGen) deref(s map[string]any) map[string]any {
	for range maxRefHops {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		n, _ := lookup(g.doc, strings.TrimPrefix(ref, "#"))
		s, _ = n.(map[string]any)
	}
	return s
}

func (g *schemaGen) value(s map[string]any, depth int) any {
	s = g.deref(s)
	if s == nil || depth > 12 {
		return nil
	}
	if all, ok := s["allOf"].([]any); ok {
		out := map[string]any{}
		for _, b := range all {
			bm, _ := b.(map[string]any)
			if v, ok := g.value(bm, depth+1).(map[string]any); ok {
				maps.Copy(out, v)
			}
		}
		return out
	}
	for _, kw := range []string{"oneOf", "anyOf"} {
		if bs, ok := s[kw].([]any); ok && len(bs) > 0 {
			b, _ := bs[0].(map[string]any)
			return g.value(b, depth+1)
		}
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		return e[0]
	}
	t := s["type"]
	if ts, ok := t.([]any); ok && len(ts) > 0 {
		t = ts[0]
	}
	switch t {
	case "object", nil:
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			name, _ := r.(string)
			p, _ := props[name].(map[string]any)
			if p == nil {
				out[name] = "x"
				continue
			}
			out[name] = g.value(p, depth+1)
		}
		return out
	case "array":
		return []any{}
	case "string":
		return "x"
	case "integer", "number":
		return 1
	case "boolean":
		return true
	}
	return nil
}

// plant is one deliberate drift in the generated traffic.
type plant struct {
	kind   contract.DriftKind
	op     string // operationId
	schema string // the de-aliased schema the draft must change
	alias  string // the alias the validator sees, if any
	member string
	value  string
	status int
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestLargeHAR replays about 2,000 generated Auth0 exchanges over every GET
// operation of the fixed spec whose 200 response is a JSON object, with
// undeclared members, missing required members, enum misses (some only in
// case), undeclared statuses and calls to no operation, many of them
// through schemas that are $ref aliases. The run must complete, list each
// planted drift, draft on the schema the alias names, report what it
// cannot draft, and the draft, applied by the pipeline, must leave no
// drift.
func TestLargeHAR(t *testing.T) {
	p, err := contracttest.SpecPath("auth0")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(spec, &doc); err != nil {
		t.Fatal(err)
	}
	g := &schemaGen{doc: doc}
	type op struct {
		id, path, ptr string // ptr: the 200 schema's pointer as the validator sees it
		schema        map[string]any
		body          map[string]any
	}
	var ops []op
	paths, _ := doc["paths"].(map[string]any)
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		item, _ := paths[path].(map[string]any)
		get, _ := item["get"].(map[string]any)
		ok200, _ := lookup(get, "/responses/200/content/application~1json/schema")
		s, _ := ok200.(map[string]any)
		if s == nil {
			continue
		}
		ref, _ := s["$ref"].(string)
		rs := g.deref(s)
		if ref == "" || rs["type"] != "object" || rs["allOf"] != nil || rs["oneOf"] != nil || rs["anyOf"] != nil {
			continue
		}
		body, _ := g.value(s, 0).(map[string]any)
		id, _ := get["operationId"].(string)
		ops = append(ops, op{id: id, path: path, ptr: ref[1:], schema: rs, body: body})
	}
	entryFor := func(o op, status int, body any) harEntry {
		b, _ := json.Marshal(body)
		url := "https://tenant.auth0.com/api/v2" + pathParam.ReplaceAllString(o.path, "abc123")
		return entry("GET", strings.TrimPrefix(url, "https://api.example.com"), "", status, string(b))
	}
	clone := func(m map[string]any) map[string]any {
		b, _ := json.Marshal(m)
		var out map[string]any
		json.Unmarshal(b, &out)
		return out
	}

	// The generated bodies must be drift-free: keep the operations whose
	// clean body shows none (the generator is not a full instance
	// generator; what it cannot build is left out, and counted).
	clean := &har{}
	for _, o := range ops {
		clean.Log.Entries = append(clean.Log.Entries, entryFor(o, 200, o.body))
	}
	for i := range clean.Log.Entries {
		clean.Log.Entries[i].Request.URL = strings.Replace(clean.Log.Entries[i].Request.URL, "https://api.example.com", "", 1)
	}
	res, err := replay(context.Background(), spec, clean)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]bool{}
	for _, f := range res.Findings {
		bad[f.Operation] = true
	}
	ops = slices.DeleteFunc(ops, func(o op) bool { return bad[o.id] })
	t.Logf("%d GET operations with a JSON object 200 response; %d left out (generated body not drift-free)", len(ops)+len(bad), len(bad))
	if len(ops) < 100 {
		t.Fatalf("only %d operations to plant drift in", len(ops))
	}

	h := &har{}
	var plants []plant
	// resolved follows a chain of aliases ({"$ref": ...} schemas) from
	// ptr, here apart from the code under test.
	resolved := func(ptr string) (string, string) {
		r := ptr
		for range maxRefHops {
			n, ok := lookup(doc, r)
			m, _ := n.(map[string]any)
			ref, isRef := m["$ref"].(string)
			if !ok || !isRef {
				break
			}
			r = strings.TrimPrefix(ref, "#")
		}
		if r == ptr {
			return r, ""
		}
		return r, ptr
	}
	aliases := 0
	for i, o := range ops {
		for range 12 {
			h.Log.Entries = append(h.Log.Entries, entryFor(o, 200, o.body))
		}
		top, alias := resolved(o.ptr)
		if alias != "" {
			aliases++
		}
		// An undeclared member, at the top (of an object with declared
		// members: a map without any takes every member).
		if _, ok := o.schema["properties"]; ok {
			b := clone(o.body)
			member := fmt.Sprintf("drift_member_%d", i)
			b[member] = map[string]any{"on": true, "at": "2026-01-02T03:04:05Z"}
			h.Log.Entries = append(h.Log.Entries, entryFor(o, 200, b))
			plants = append(plants, plant{kind: contract.UnknownMember, op: o.id, schema: top, alias: alias, member: member})
		}
		// A missing required member.
		if req, _ := o.schema["required"].([]any); len(req) > 0 {
			name := req[0].(string)
			b := clone(o.body)
			delete(b, name)
			h.Log.Entries = append(h.Log.Entries, entryFor(o, 200, b))
			plants = append(plants, plant{kind: contract.MissingMember, op: o.id, schema: top, alias: alias, member: name})
		}
		// An enum miss at a top-level member with a string enum: a
		// new value, or the first value in upper case.
		props, _ := o.schema["properties"].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(props)) {
			ps, _ := props[name].(map[string]any)
			e, _ := g.deref(ps)["enum"].([]any)
			first, _ := firstOr(e).(string)
			if first == "" {
				continue
			}
			v := fmt.Sprintf("drift-value-%d", i)
			if up := strings.ToUpper(first); i%2 == 0 && up != first && !slices.Contains(e, any(up)) {
				v = up
			}
			b := clone(o.body)
			b[name] = v
			h.Log.Entries = append(h.Log.Entries, entryFor(o, 200, b))
			ptr := top + "/properties/" + escapePointer(name)
			if ref, ok := ps["$ref"].(string); ok {
				ptr = ref[1:]
			}
			s, a := resolved(ptr)
			plants = append(plants, plant{kind: contract.EnumValue, op: o.id, schema: s, alias: a, value: v})
			break
		}
		// An undeclared status, every third operation.
		if i%3 == 0 {
			h.Log.Entries = append(h.Log.Entries, entryFor(o, 299, o.body))
			plants = append(plants, plant{kind: contract.UndeclaredStatus, op: o.id, status: 299})
		}
	}
	for i := range 20 {
		e := entry("GET", "", "", 404, `{"message":"Not Found"}`)
		e.Request.URL = fmt.Sprintf("https://tenant.auth0.com/api/v2/drift-nowhere/%d", i)
		h.Log.Entries = append(h.Log.Entries, e, e)
	}
	for i := range h.Log.Entries {
		h.Log.Entries[i].Request.URL = strings.Replace(h.Log.Entries[i].Request.URL, "https://api.example.com", "", 1)
	}
	kinds := map[contract.DriftKind]int{}
	for _, p := range plants {
		kinds[p.kind]++
	}
	t.Logf("%d entries, %d plants %v, %d operations answer with an alias", len(h.Log.Entries), len(plants), kinds, aliases)
	if len(h.Log.Entries) < 1500 || aliases < 10 || kinds[contract.EnumValue] < 10 || kinds[contract.MissingMember] < 50 {
		t.Fatalf("the generated traffic is too small to test the issue")
	}
	// The two aliases of the issue are among the plants.
	for _, want := range []string{"/components/schemas/ActionVersionBuildStatusEnum", "/components/schemas/GetBrandingDefaultThemeResponseContent"} {
		if !slices.ContainsFunc(plants, func(p plant) bool { return p.alias == want }) {
			t.Errorf("no drift planted through %s", want)
		}
	}

	dir := t.TempDir()
	harPath := filepath.Join(dir, "auth0.har")
	raw, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(harPath, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "draft.overlay.yaml")
	var report bytes.Buffer
	if err := run(context.Background(), &report, "auth0", p, harPath, out); err != nil {
		t.Fatalf("the run ended: %v", err)
	}
	rep := report.String()
	overlay, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	ov := string(overlay)
	target := func(ptr string) string {
		s, err := jsonPath(doc, ptr)
		if err != nil {
			t.Fatalf("%s: %v", ptr, err)
		}
		return "target: " + s
	}
	for _, p := range plants {
		switch p.kind {
		case contract.UnknownMember:
			if !strings.Contains(rep, "\n  "+p.schema+": ") || !strings.Contains(rep, fmt.Sprintf("    %q, once in %s -> draft: update ", p.member, p.op)) {
				t.Errorf("typed coverage lacks member %q of %s (%s)", p.member, p.schema, p.op)
			}
			if !strings.Contains(ov, target(p.schema+"/properties")) || !strings.Contains(ov, "\n      "+p.member+":") {
				t.Errorf("the draft does not add %q to %s", p.member, p.schema)
			}
		case contract.MissingMember:
			if !strings.Contains(rep, fmt.Sprintf("missing-required: required member %q is missing at the top level (required by %s)", p.member, cmpOrS(p.alias, p.schema))) {
				t.Errorf("the report lacks the missing %q of %s (%s)", p.member, p.schema, p.op)
			}
			if !strings.Contains(ov, target(p.schema+"/required")) {
				t.Errorf("the draft does not change the required list of %s", p.schema)
			}
		case contract.EnumValue:
			if !strings.Contains(rep, fmt.Sprintf("\n  %s: ", p.schema)) || !strings.Contains(rep, fmt.Sprintf("%q", p.value)) {
				t.Errorf("typed coverage lacks enum miss %q of %s (%s)", p.value, p.schema, p.op)
			}
			if !strings.Contains(ov, target(p.schema+"/enum")) {
				t.Errorf("the draft does not extend the enum of %s", p.schema)
			}
		case contract.UndeclaredStatus:
			if !strings.Contains(rep, fmt.Sprintf("(%s) 299, application/json, once in %s -> draft: update ", p.op, p.op)) {
				t.Errorf("typed coverage lacks status 299 of %s", p.op)
			}
		}
		if p.alias != "" && strings.Contains(ov, target(p.alias)+"\n") || p.alias != "" && strings.Contains(ov, target(p.alias)+".") {
			t.Errorf("the draft targets the alias %s", p.alias)
		}
	}
	if !strings.Contains(ov, "differs from the declared") || !strings.Contains(ov, "only in case") {
		t.Error("no enum miss was noted as a case variant")
	}
	for i := range 20 {
		if !strings.Contains(rep, fmt.Sprintf("  GET /api/v2/drift-nowhere/%d, 2 times -> not drafted: ", i)) {
			t.Errorf("call %d to no operation is not reported as not drafted", i)
		}
	}
	// Enum misses count distinct values per schema: two operations may
	// plant the same value in one schema.
	enumMisses := map[string]bool{}
	for _, p := range plants {
		if p.kind == contract.EnumValue {
			enumMisses[p.schema+"|"+p.value] = true
		}
	}
	wantSummary := fmt.Sprintf("typed coverage: %d members only in AdditionalProperties, 40 calls to no operation, %d undeclared statuses, %d enum misses",
		kinds[contract.UnknownMember], kinds[contract.UndeclaredStatus], len(enumMisses))
	if !strings.Contains(rep, wantSummary) {
		t.Errorf("the report lacks %q", wantSummary)
	}
	if !strings.Contains(rep, "applied to the spec, it leaves no drift in this traffic\n") {
		t.Errorf("the draft does not remove every draftable drift")
	}
	if t.Failed() {
		i := strings.Index(rep, "\nmembers only in AdditionalProperties")
		t.Logf("report (from the typed coverage, 6000 bytes):\n%.6000s", rep[max(i, 0):])
	}
}

func firstOr(e []any) any {
	if len(e) == 0 {
		return nil
	}
	return e[0]
}

func cmpOrS(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
