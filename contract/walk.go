package contract

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxWalkDepth bounds how deep the drift walker follows a value (and how
// many allOf/oneOf/anyOf levels it merges), so a recursive schema or a
// deeply nested body cannot exhaust the stack.
const maxWalkDepth = 64

// raw is one drift finding of one body, before aggregation.
type raw struct {
	kind             DriftKind
	schema, instance string
	member           string
	declared         []string
	value            any
	sample           any
	hasSample        bool
	like             string // see Finding.Fits
}

// walker compares one decoded JSON value with a schema and records the
// differences the drift report is about. It is not a validator (kin-openapi
// is): it finds where in the document a fix belongs.
type walker struct {
	where Where
	found []raw
}

// view is a schema with its allOf branches and the chosen oneOf/anyOf
// branch merged: what one value is checked against.
type view struct {
	target   string // where undeclared members are added
	checks   []located
	props    map[string]located
	required []requiredAt
	addl     *located
	addlAny  bool
	items    *located
}

type located struct {
	loc string
	ref *openapi3.SchemaRef
}

type requiredAt struct{ name, loc string }

// refLoc is the document location of ref: its $ref target when it is a
// local reference, else loc.
func refLoc(ref *openapi3.SchemaRef, loc string) string {
	if ref != nil && strings.HasPrefix(ref.Ref, "#/") {
		return ref.Ref[1:]
	}
	return loc
}

func (w *walker) build(v any, ref *openapi3.SchemaRef, loc string, vw *view, depth int) {
	if ref == nil || ref.Value == nil || depth > maxWalkDepth {
		return
	}
	s := ref.Value
	loc = refLoc(ref, loc)
	if vw.target == "" && (len(s.Properties) > 0 || s.Type.Is(openapi3.TypeObject)) {
		vw.target = loc
	}
	vw.checks = append(vw.checks, located{loc: loc, ref: ref})
	for name, p := range s.Properties {
		if _, ok := vw.props[name]; !ok {
			if vw.props == nil {
				vw.props = map[string]located{}
			}
			// loc is the declaring schema's; the member's own location
			// is built only when it is used (propLoc).
			vw.props[name] = located{loc: loc, ref: p}
		}
	}
	for _, name := range s.Required {
		vw.required = append(vw.required, requiredAt{name: name, loc: loc})
	}
	if ap := s.AdditionalProperties; ap.Schema != nil && vw.addl == nil {
		vw.addl = &located{loc: loc + "/additionalProperties", ref: ap.Schema}
	} else if ap.Has != nil && *ap.Has && len(s.Properties) == 0 {
		// additionalProperties: true makes a free-form map only where no
		// members are declared. Beside declared members it says "keep what
		// the document does not know" (the pipeline's keep-unknown-members
		// step sets it on every such object), and a member outside
		// properties is still drift worth reporting.
		vw.addlAny = true
	}
	if len(s.PatternProperties) > 0 {
		vw.addlAny = true
	}
	if s.Items != nil && vw.items == nil {
		vw.items = &located{loc: loc + "/items", ref: s.Items}
	}
	for i, b := range s.AllOf {
		w.build(v, b, loc+"/allOf/"+strconv.Itoa(i), vw, depth+1)
	}
	for _, alt := range [...]struct {
		kw       string
		branches openapi3.SchemaRefs
	}{{"oneOf", s.OneOf}, {"anyOf", s.AnyOf}} {
		kw, branches := alt.kw, alt.branches
		if len(branches) == 0 {
			continue
		}
		best, bestScore := -1, math.MaxInt
		for i, b := range branches {
			var tmp view
			w.build(v, b, loc+"/"+kw+"/"+strconv.Itoa(i), &tmp, depth+1)
			if sc := w.score(v, &tmp); sc < bestScore {
				best, bestScore = i, sc
			}
		}
		w.build(v, branches[best], loc+"/"+kw+"/"+strconv.Itoa(best), vw, depth+1)
	}
	if vw.target == "" && depth == 0 {
		vw.target = loc
	}
}

// score tells how badly v fits vw, shallowly: the oneOf/anyOf branch with
// the lowest score is taken to be the one v is an instance of.
func (w *walker) score(v any, vw *view) int {
	n := 0
	for _, c := range vw.checks {
		if !typeAllows(c.ref.Value, v) {
			n += 1000
		} else if len(c.ref.Value.Enum) > 0 && v != nil && !inEnum(v, c.ref.Value.Enum) {
			n += 100
		}
	}
	if obj, ok := v.(map[string]any); ok {
		for _, r := range vw.required {
			if _, ok := obj[r.name]; !ok {
				n += 10
			}
		}
		if vw.addl == nil && !vw.addlAny {
			for name := range obj {
				if _, ok := vw.props[name]; !ok {
					n++
				}
			}
		}
	}
	return n
}

// walk records how v differs from the schema ref at document location loc;
// ptr is v's JSON pointer in the body.
func (w *walker) walk(v any, ref *openapi3.SchemaRef, loc, ptr string, depth int) {
	if ref == nil || ref.Value == nil || depth > maxWalkDepth {
		return
	}
	var vw view
	w.build(v, ref, loc, &vw, 0)
	if vw.target == "" {
		vw.target = refLoc(ref, loc)
	}
	for _, c := range vw.checks {
		if !typeAllows(c.ref.Value, v) {
			w.found = append(w.found, raw{
				kind: TypeMismatch, schema: c.loc, instance: ptr,
				declared: declaredTypes(c.ref.Value), sample: v, hasSample: true,
			})
			return
		}
	}
	if v == nil {
		return
	}
	for _, c := range vw.checks {
		if e := c.ref.Value.Enum; len(e) > 0 && !inEnum(v, e) {
			w.found = append(w.found, raw{kind: EnumValue, schema: c.loc, instance: ptr, value: capValue(v)})
		}
	}
	switch v := v.(type) {
	case map[string]any:
		for _, r := range vw.required {
			if _, ok := v[r.name]; ok {
				continue
			}
			if p, ok := vw.props[r.name]; ok && p.ref != nil && p.ref.Value != nil &&
				(w.where == InResponse && p.ref.Value.WriteOnly || w.where == InRequest && p.ref.Value.ReadOnly) {
				continue
			}
			w.found = append(w.found, raw{kind: MissingMember, schema: r.loc, instance: ptr, member: r.name})
		}
		names := make([]string, 0, len(v))
		for name := range v {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			mptr := ptr + "/" + escapePointer(name)
			switch p, ok := vw.props[name]; {
			case ok:
				w.walk(v[name], p.ref, p.loc+"/properties/"+escapePointer(name), mptr, depth+1)
			case vw.addl != nil:
				w.walk(v[name], vw.addl.ref, vw.addl.loc, mptr, depth+1)
			case vw.addlAny:
			default:
				w.found = append(w.found, raw{
					kind: UnknownMember, schema: vw.target, instance: mptr,
					member: name, sample: v[name], hasSample: true,
				})
			}
		}
	case []any:
		if vw.items != nil {
			for i, e := range v {
				w.walk(e, vw.items.ref, vw.items.loc, ptr+"/"+strconv.Itoa(i), depth+1)
			}
		}
	}
}

// typeAllows tells whether s's type keyword (and nullable) admits v. A
// schema without types admits anything.
func typeAllows(s *openapi3.Schema, v any) bool {
	if s.Type == nil || len(*s.Type) == 0 {
		return true
	}
	if v == nil && s.Nullable {
		return true
	}
	for _, t := range *s.Type {
		if jsonTypeIs(v, t) {
			return true
		}
	}
	return false
}

func jsonTypeIs(v any, t string) bool {
	switch v := v.(type) {
	case nil:
		return t == openapi3.TypeNull
	case bool:
		return t == openapi3.TypeBoolean
	case string:
		return t == openapi3.TypeString
	case map[string]any:
		return t == openapi3.TypeObject
	case []any:
		return t == openapi3.TypeArray
	case json.Number:
		return t == openapi3.TypeNumber || t == openapi3.TypeInteger && isIntegral(v)
	}
	return false
}

// isIntegral tells whether n has no fractional part (1.0 counts, as in JSON
// Schema).
func isIntegral(n json.Number) bool {
	if !strings.ContainsAny(string(n), ".eE") {
		return true
	}
	f, err := n.Float64()
	return err == nil && f == math.Trunc(f) && !math.IsInf(f, 0)
}

// jsonType names v's JSON type, "integer" for integral numbers.
func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return openapi3.TypeNull
	case bool:
		return openapi3.TypeBoolean
	case string:
		return openapi3.TypeString
	case map[string]any:
		return openapi3.TypeObject
	case []any:
		return openapi3.TypeArray
	case json.Number:
		if isIntegral(v) {
			return openapi3.TypeInteger
		}
		return openapi3.TypeNumber
	}
	return ""
}

func declaredTypes(s *openapi3.Schema) []string {
	var out []string
	if s.Type != nil {
		out = append(out, *s.Type...)
	}
	if s.Nullable && !slices.Contains(out, openapi3.TypeNull) {
		out = append(out, openapi3.TypeNull)
	}
	return out
}

// inEnum tells whether v equals one of enum's values (numbers compared by
// value).
func inEnum(v any, enum []any) bool {
	for _, e := range enum {
		if jsonEqual(v, e) {
			return true
		}
	}
	return false
}

func jsonEqual(a, b any) bool {
	if an, ok := number(a); ok {
		bn, ok := number(b)
		return ok && an == bn
	}
	switch a := a.(type) {
	case string, bool, nil:
		return a == b
	}
	return jsonText(a) == jsonText(b)
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// maxEnumValue bounds a recorded value outside an enum: a findings list
// must not grow with what a server sends.
const maxEnumValue = 1024

// capValue cuts long strings to maxEnumValue bytes (on a rune boundary,
// marked with "…") and replaces objects and arrays, which no enum of ours
// lists, by their JSON type name.
func capValue(v any) any {
	switch x := v.(type) {
	case string:
		if len(x) > maxEnumValue {
			cut := maxEnumValue
			for cut > 0 && x[cut]&0xC0 == 0x80 {
				cut--
			}
			return x[:cut] + "…"
		}
	case map[string]any, []any:
		return "(" + jsonType(v) + ")"
	}
	return v
}
