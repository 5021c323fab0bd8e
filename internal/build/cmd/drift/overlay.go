package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mgmtapi/mgmtapi/contract"
	"github.com/mgmtapi/mgmtapi/internal/build/specs"
)

// draft is a draft overlay: its actions and their YAML, and the changes
// that could not be drafted.
type draft struct {
	actions []*action
	yaml    []byte
	// changes are the fixes, in order, each with its actions (none when
	// it could not be drafted, see notDrafted).
	changes []*change
	byKey   map[string]*change
	doc     any // the spec, decoded
}

// changeKey is the key of the change f calls for, and the pointer of the
// node it changes. Findings point at the schema the validator used, which
// may be an alias ({"$ref": ...} and nothing else, as
// merge-identical-schemas writes them); the fix belongs to the schema the
// alias names, so the key does too. err says why the alias cannot be
// followed (schema is then f.Schema).
func changeKey(doc any, f contract.Finding) (key, schema string, err error) {
	schema, err = resolvePointer(doc, f.Schema)
	if err != nil {
		schema = f.Schema
	}
	key = string(f.Kind) + "|" + schema
	switch f.Kind {
	case contract.UnknownMember, contract.MissingMember:
		key += "|" + f.Member
	case contract.UndeclaredStatus:
		key += "|" + strconv.Itoa(f.Status) + "|" + f.MediaType
	case contract.UndeclaredBody:
		key += "|" + f.MediaType
	}
	return key, schema, err
}

// leftOut tells whether f calls for a change d could not draft.
func (d *draft) leftOut(f contract.Finding) bool {
	key, _, _ := changeKey(d.doc, f)
	c := d.byKey[key]
	return c != nil && c.notDrafted != ""
}

// action is one Overlay 1.0 action with the comment that says which
// traffic motivated it.
type action struct {
	target  string
	update  any
	remove  bool
	comment string
}

// change is what the findings of one fix have in common; several findings
// (one per operation, status or value) can call for the same fix.
type change struct {
	kind      contract.DriftKind
	schema    string // JSON pointer of the node to fix
	member    string
	status    int
	mediaType string
	declared  []string
	observed  map[string]any
	values    []any
	fits      string // see contract.Finding.Fits, when every finding agrees
	first     contract.Finding
	count     int
	ops       map[string]bool
	// acts are the draft's actions for this change; notDrafted says why
	// there are none, when an action could not be written or applied.
	acts       []*action
	notDrafted string
}

// draftOverlay turns findings into a draft overlay on spec.
func draftOverlay(api string, spec []byte, findings []contract.Finding) (*draft, error) {
	dec := json.NewDecoder(bytes.NewReader(spec))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("the fixed spec is not JSON: %w", err)
	}
	version, _ := lookupKey(doc, "openapi").(string)
	oas31 := strings.HasPrefix(version, "3.1")

	var order []string
	changes := map[string]*change{}
	for _, f := range findings {
		key, schema, rerr := changeKey(doc, f)
		c := changes[key]
		if c == nil {
			c = &change{kind: f.Kind, schema: schema, member: f.Member, status: f.Status,
				mediaType: f.MediaType, declared: f.Declared, fits: f.Fits, first: f, ops: map[string]bool{}}
			if rerr != nil {
				c.notDrafted = rerr.Error()
			}
			changes[key] = c
			order = append(order, key)
		}
		c.count += f.Count
		if c.fits != f.Fits {
			c.fits = ""
		}
		c.ops[f.Operation] = true
		c.observed = mergeSchema(c.observed, f.Observed, oas31)
		if f.Kind == contract.EnumValue && !slices.ContainsFunc(c.values, func(v any) bool { return compact(v) == compact(f.Value) }) {
			c.values = append(c.values, f.Value)
		}
	}
	d := &draft{doc: doc, byKey: changes}
	for _, key := range order {
		c := changes[key]
		d.changes = append(d.changes, c)
		if c.notDrafted != "" {
			continue
		}
		acts, err := c.actions(doc, oas31)
		if err != nil {
			c.notDrafted = err.Error()
			continue
		}
		c.acts = acts
	}
	if err := d.render(api); err != nil {
		return nil, err
	}
	return d, nil
}

// render (re)writes d's actions and YAML from its changes.
func (d *draft) render(api string) error {
	d.actions = nil
	for _, c := range d.changes {
		if c.notDrafted == "" {
			d.actions = append(d.actions, c.acts...)
		}
	}
	y, err := renderOverlay(api, d.actions)
	if err != nil {
		return err
	}
	d.yaml = y
	return nil
}

// notDrafted lists the changes that have no action.
func (d *draft) notDrafted() []*change {
	var out []*change
	for _, c := range d.changes {
		if c.notDrafted != "" {
			out = append(out, c)
		}
	}
	return out
}

// maxRefHops bounds how many $ref a pointer is followed through, so that a
// cycle of aliases cannot loop.
const maxRefHops = 64

// resolvePointer returns the JSON pointer of the node ptr designates in doc
// once every local $ref met on the way, and at the end, is followed: an
// alias schema ({"$ref": "#/components/schemas/X"}) has no members of its
// own, so a fix to it belongs to X (or to what X names in turn).
func resolvePointer(doc any, ptr string) (string, error) {
	return resolveHops(doc, ptr, 0)
}

func resolveHops(doc any, ptr string, hops int) (string, error) {
	if hops > maxRefHops {
		return "", fmt.Errorf("%s: more than %d $ref hops (a cycle of aliases?)", ptr, maxRefHops)
	}
	toks := tokens(ptr)
	cur := doc
	for i := 0; ; i++ {
		m, isMap := cur.(map[string]any)
		ref, _ := m["$ref"].(string)
		if isMap && strings.HasPrefix(ref, "#/") && (i == len(toks) || m[toks[i]] == nil) {
			target, err := url.PathUnescape(ref[1:])
			if err != nil {
				return "", fmt.Errorf("%s: $ref %q is not a JSON pointer", ptr, ref)
			}
			rest := ""
			for _, t := range toks[i:] {
				rest += "/" + escapePointer(t)
			}
			return resolveHops(doc, target+rest, hops+1)
		}
		if i == len(toks) {
			return ptr, nil
		}
		next, ok := lookup(cur, "/"+escapePointer(toks[i]))
		if !ok {
			return "", fmt.Errorf("%s is not in the spec (no member %q)", ptr, toks[i])
		}
		cur = next
	}
}

// escapePointer escapes one JSON pointer token (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// evidence is the comment of c's actions: what was seen, where, how often.
func (c *change) evidence(what string) string {
	f := c.first
	s := fmt.Sprintf("drift: %s; seen in %s %s (%s) %s", what, f.Method, f.Path, f.Operation, f.Where)
	if f.Status != 0 {
		s += " " + strconv.Itoa(f.Status)
	}
	if f.Instance != "" {
		s += " at " + f.Instance
	}
	if c.count == 1 {
		s += ", once"
	} else {
		s += fmt.Sprintf(", %d times", c.count)
	}
	if n := len(c.ops) - 1; n > 0 {
		s += fmt.Sprintf(", in %d more operations", n)
	}
	return s
}

func (c *change) actions(doc any, oas31 bool) ([]*action, error) {
	node, ok := lookup(doc, c.schema)
	if !ok {
		return nil, fmt.Errorf("finding points at %s, which is not in the spec", c.schema)
	}
	obj, _ := node.(map[string]any)
	path := func(ptr string) (string, error) { return jsonPath(doc, ptr) }
	var acts []*action
	add := func(ptr string, update any, remove bool, comment string) error {
		p, err := path(ptr)
		if err != nil {
			return err
		}
		acts = append(acts, &action{target: p, update: update, remove: remove, comment: comment})
		return nil
	}
	observed := c.observed
	if observed == nil {
		observed = map[string]any{}
	}
	var err error
	switch c.kind {
	case contract.UnknownMember:
		what := fmt.Sprintf("member %q is not in the schema", c.member)
		if _, ok := obj["properties"].(map[string]any); ok {
			err = add(c.schema+"/properties", map[string]any{c.member: observed}, false, c.evidence(what))
		} else {
			err = add(c.schema, map[string]any{"properties": map[string]any{c.member: observed}}, false, c.evidence(what))
		}
	case contract.EnumValue:
		var vs []string
		for _, v := range c.values {
			vs = append(vs, compact(v))
		}
		what := "enum lacks " + strings.Join(vs, ", ")
		if note := caseVariants(obj["enum"], c.values); note != "" {
			what += " (" + note + ")"
		}
		err = add(c.schema+"/enum", c.values, false, c.evidence(what))
	case contract.MissingMember:
		what := fmt.Sprintf("required member %q was missing", c.member)
		req, _ := obj["required"].([]any)
		if len(req) <= 1 {
			err = add(c.schema+"/required", nil, true, c.evidence(what))
		} else {
			var p string
			if p, err = path(c.schema + "/required"); err == nil {
				acts = append(acts, &action{target: p + "[?@ == " + quote(c.member) + "]", remove: true, comment: c.evidence(what)})
			}
		}
	case contract.TypeMismatch:
		return c.typeActions(doc, obj, observed, oas31)
	case contract.UndeclaredStatus:
		err = add(c.schema, map[string]any{strconv.Itoa(c.status): c.response(doc, observed)}, false,
			c.evidence(fmt.Sprintf("status %d is not declared%s", c.status, c.fitsNote())))
	case contract.UndeclaredBody:
		err = add(c.schema, map[string]any{"content": c.content(doc, observed)}, false,
			c.evidence(fmt.Sprintf("%s body where the response declares none%s", c.mediaType, c.fitsNote())))
	}
	return acts, err
}

// caseVariants says which values differ from a declared enum value only in
// case ("" when none does): the generated constants of such values may
// clash, and the server may compare without case.
func caseVariants(enum any, values []any) string {
	declared, _ := enum.([]any)
	var notes []string
	for _, v := range values {
		s, ok := v.(string)
		if !ok {
			continue
		}
		for _, e := range declared {
			if es, ok := e.(string); ok && es != s && strings.EqualFold(es, s) {
				notes = append(notes, fmt.Sprintf("%q differs from the declared %q only in case", s, es))
				break
			}
		}
	}
	return strings.Join(notes, "; ")
}

// typeActions widen the schema's type to what was seen: a type list in
// OpenAPI 3.1; in 3.0, nullable for null, else an anyOf of the declared and
// the seen types (3.0 has no type lists).
func (c *change) typeActions(doc any, obj map[string]any, observed map[string]any, oas31 bool) ([]*action, error) {
	seen, null := inferredTypes(observed)
	declared := slices.DeleteFunc(slices.Clone(c.declared), func(t string) bool { return t == "null" })
	what := fmt.Sprintf("%s where the schema declares %s", typeOf(observed), strings.Join(c.declared, " or "))
	comment := c.evidence(what)
	target, err := jsonPath(doc, c.schema)
	if err != nil {
		return nil, err
	}
	if oas31 {
		types := slices.Clone(declared)
		if slices.Contains(c.declared, "null") {
			types = append(types, "null")
		}
		var added []any
		for _, t := range append(seen, nullIf(null)...) {
			if !slices.Contains(types, t) {
				types = append(types, t)
				added = append(added, t)
			}
		}
		if _, isList := obj["type"].([]any); isList {
			return []*action{{target: target + ".type", update: added, comment: comment}}, nil
		}
		list := make([]any, len(types))
		for i, t := range types {
			list[i] = t
		}
		return []*action{{target: target, update: map[string]any{"type": list}, comment: comment}}, nil
	}
	var newTypes []string
	for _, t := range seen {
		if !slices.Contains(declared, t) {
			newTypes = append(newTypes, t)
		}
	}
	if len(newTypes) == 0 {
		return []*action{{target: target, update: map[string]any{"nullable": true}, comment: comment}}, nil
	}
	var acts []*action
	var branches []any
	for _, t := range declared {
		b := map[string]any{"type": t}
		if f, ok := obj["format"].(string); ok {
			b["format"] = f
		}
		branches = append(branches, b)
	}
	for _, t := range newTypes {
		branches = append(branches, map[string]any{"type": t})
	}
	if _, ok := obj["type"]; ok {
		acts = append(acts, &action{target: target + ".type", remove: true, comment: comment + " (type moves into anyOf)"})
	}
	if _, ok := obj["format"]; ok {
		acts = append(acts, &action{target: target + ".format", remove: true, comment: comment + " (format moves into anyOf)"})
	}
	update := map[string]any{"anyOf": branches}
	if null {
		update["nullable"] = true
	}
	acts = append(acts, &action{target: target, update: update, comment: comment})
	return acts, nil
}

func nullIf(b bool) []string {
	if b {
		return []string{"null"}
	}
	return nil
}

// inferredTypes lists the non-null types of an inferred schema and whether
// null was seen.
func inferredTypes(s map[string]any) (types []string, null bool) {
	switch t := s["type"].(type) {
	case string:
		if t == "null" {
			null = true
		} else {
			types = []string{t}
		}
	case []string:
		for _, x := range t {
			if x == "null" {
				null = true
			} else {
				types = append(types, x)
			}
		}
	}
	if s["nullable"] == true {
		null = true
	}
	return types, null
}

func (c *change) response(doc any, observed map[string]any) map[string]any {
	r := map[string]any{"description": fmt.Sprintf("Status %d, seen in traffic (drift report).", c.status)}
	if c.mediaType != "" {
		r["content"] = c.content(doc, observed)
	}
	return r
}

// fitsNote says which declared schema the bodies fit, if one does.
func (c *change) fitsNote() string {
	if c.fits == "" {
		return ""
	}
	return " (the body fits the schema at " + c.fits + ")"
}

// content is the content of a response for the bodies seen: the declared
// schema they fit, else the schema inferred from them.
func (c *change) content(doc any, observed map[string]any) map[string]any {
	var schema any
	fits, ok := lookup(doc, c.fits)
	switch {
	case c.fits != "" && ok:
		schema = plain(fits)
	case c.observed != nil:
		schema = observed
	case strings.HasPrefix(c.mediaType, "text/"):
		schema = map[string]any{"type": "string"}
	default:
		schema = map[string]any{"type": "string", "format": "binary"}
	}
	return map[string]any{c.mediaType: map[string]any{"schema": schema}}
}

// mergeSchema merges two inferred schemas (see contract.Finding.Observed).
func mergeSchema(a, b map[string]any, oas31 bool) map[string]any {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	at, an := inferredTypes(a)
	bt, bn := inferredTypes(b)
	types := slices.Clone(at)
	for _, t := range bt {
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	if slices.Contains(types, "number") {
		types = slices.DeleteFunc(types, func(t string) bool { return t == "integer" })
	}
	slices.Sort(types)
	null := an || bn
	out := map[string]any{}
	switch {
	case oas31 && null:
		if len(types) == 0 {
			out["type"] = "null"
		} else {
			out["type"] = append(types, "null")
		}
	case oas31 && len(types) > 1:
		out["type"] = types
	case len(types) == 1:
		out["type"] = types[0]
	}
	if !oas31 && null {
		out["nullable"] = true
	}
	if a["format"] != nil && a["format"] == b["format"] {
		out["format"] = a["format"]
	} else if a["format"] != nil && !slices.Contains(bt, "string") || b["format"] != nil && !slices.Contains(at, "string") {
		// Only one side had strings: keep its format.
		out["format"] = cmpOr(a["format"], b["format"])
	}
	ap, _ := a["properties"].(map[string]any)
	bp, _ := b["properties"].(map[string]any)
	if ap != nil || bp != nil {
		props := map[string]any{}
		for k, v := range ap {
			props[k] = v
		}
		for k, v := range bp {
			x, _ := props[k].(map[string]any)
			y, _ := v.(map[string]any)
			props[k] = mergeSchema(x, y, oas31)
		}
		out["properties"] = props
	}
	ai, aok := a["items"].(map[string]any)
	bi, bok := b["items"].(map[string]any)
	if aok || bok {
		out["items"] = mergeSchema(ai, bi, oas31)
	}
	return out
}

func cmpOr(a, b any) any {
	if a != nil {
		return a
	}
	return b
}

// lookup resolves a JSON pointer in doc.
func lookup(doc any, ptr string) (any, bool) {
	cur := doc
	for _, tok := range tokens(ptr) {
		switch n := cur.(type) {
		case map[string]any:
			v, ok := n[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return nil, false
			}
			cur = n[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func lookupKey(doc any, key string) any {
	m, _ := doc.(map[string]any)
	return m[key]
}

func tokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		parts[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
	}
	return parts
}

var shorthand = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// jsonPath turns a JSON pointer into doc into an RFC 9535 JSONPath that
// selects exactly that node: member names as .name or ['name'], array
// positions as [i].
func jsonPath(doc any, ptr string) (string, error) {
	var b strings.Builder
	b.WriteString("$")
	cur := doc
	for _, tok := range tokens(ptr) {
		switch n := cur.(type) {
		case map[string]any:
			v, ok := n[tok]
			if !ok {
				return "", fmt.Errorf("%s is not in the spec (no member %q)", ptr, tok)
			}
			if shorthand.MatchString(tok) {
				b.WriteString("." + tok)
			} else {
				b.WriteString("[" + quote(tok) + "]")
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return "", fmt.Errorf("%s is not in the spec (no element %q)", ptr, tok)
			}
			fmt.Fprintf(&b, "[%d]", i)
			cur = n[i]
		default:
			return "", fmt.Errorf("%s is not in the spec", ptr)
		}
	}
	return b.String(), nil
}

// quote is an RFC 9535 single-quoted string literal.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// renderOverlay writes the actions as an Overlay 1.0 document in the style
// of specs/*.overlay.yaml: one # comment per action.
func renderOverlay(api string, acts []*action) ([]byte, error) {
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }
	info := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("title"), str(api + " drift (draft from recorded traffic)"),
		str("version"), str("0.0.0"),
	}}
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, a := range acts {
		m := &yaml.Node{Kind: yaml.MappingNode, HeadComment: "# " + oneLine(a.comment)}
		m.Content = append(m.Content, str("target"), str(a.target))
		if a.remove {
			m.Content = append(m.Content, str("remove"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		} else {
			var u yaml.Node
			if err := u.Encode(plain(a.update)); err != nil {
				return nil, err
			}
			m.Content = append(m.Content, str("update"), &u)
		}
		list.Content = append(list.Content, m)
	}
	overlayKey := str("overlay")
	overlayKey.HeadComment = "# Draft written by `make drift`: every action says which recorded traffic\n" +
		"# motivated it. Review each one, then append those you accept, with their\n" +
		"# comments, to the API's last overlay in specs/pipeline.yaml (targets are\n" +
		"# paths in the fixed spec, which the last overlay is applied to)."
	root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		overlayKey, str("1.0.0"),
		str("x-speakeasy-jsonpath"), str("rfc9535"),
		str("info"), info,
		str("actions"), list,
	}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}

// plain converts decoded JSON for YAML: json.Number to a number.
func plain(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		if f, err := v.Float64(); err == nil {
			return f
		}
		return v.String()
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = plain(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plain(x)
		}
		return out
	}
	return v
}

// applyOverlay applies an overlay to a spec with the pipeline's own code
// (internal/build/specs: validate, apply strictly, any warning is an error), as if
// it were the API's last overlay, and returns the result as JSON.
func applyOverlay(api string, spec, overlay []byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "mgmtapi-drift-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	const name = "draft.overlay.yaml"
	if err := os.WriteFile(filepath.Join(dir, name), overlay, 0o600); err != nil {
		return nil, err
	}
	p := &specs.Pipeline{Dir: dir}
	return p.Fix(specs.API{Name: api, Overlays: []string{name}}, spec)
}
