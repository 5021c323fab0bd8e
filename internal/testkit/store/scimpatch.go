package store

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// maxPatchOps caps the operations of one PATCH request.
const maxPatchOps = 1000

// patchOp is one operation of a PatchOp request (RFC 7644 §3.5.2).
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// patch applies a PatchOp request all or nothing: the operations run on a
// copy, which replaces the resource only if every operation and the
// resulting resource are valid.
func (s *SCIM) patch(kind *scimKind, id string, r Request) (Response, *scimError) {
	res, serr := s.lookup(kind, id, r, true)
	if serr != nil {
		return Response{}, serr
	}
	if _, err := decodeObject(r.Body); err != nil {
		return Response{}, badRequest("invalidSyntax", "Request is unparsable: %s.", err)
	}
	var body struct {
		Schemas    []string  `json:"schemas"`
		Operations []patchOp `json:"Operations"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		return Response{}, badRequest("invalidSyntax", "The PatchOp request has a member of the wrong type.")
	}
	if len(body.Operations) == 0 {
		return Response{}, badRequest("invalidSyntax", "The PatchOp request has no Operations.")
	}
	if len(body.Operations) > maxPatchOps {
		return Response{}, badRequest("tooMany", "The PatchOp request has more than %d Operations.", maxPatchOps)
	}
	attrs := cloneMap(res.attrs)
	for _, op := range body.Operations {
		if serr := s.applyOp(kind, attrs, op); serr != nil {
			return Response{}, serr
		}
	}
	if serr := s.prepare(kind, attrs, id); serr != nil {
		return Response{}, serr
	}
	size, serr := s.fit(kind, id, attrs)
	if serr != nil {
		return Response{}, serr
	}
	s.bytes.set(kind.endpoint+"/"+id, size)
	res.attrs = attrs
	s.touch(res)
	return s.one(http.StatusOK, kind, res, r, splitList(r.Query.Get("attributes")), splitList(r.Query.Get("excludedAttributes"))), nil
}

// readOnly reports attributes a PATCH may not change (RFC 7643 §3.1, §4.1.2:
// id, meta and a user's groups are readOnly; RFC 7644 §3.5.2 answers 400
// mutability).
func (s *SCIM) readOnly(kind *scimKind, name string) bool {
	n := strings.ToLower(name)
	return n == "id" || n == "meta" || (kind == s.users && n == "groups")
}

func (s *SCIM) applyOp(kind *scimKind, attrs map[string]any, op patchOp) *scimError {
	verb := strings.ToLower(op.Op)
	if verb != "add" && verb != "replace" && verb != "remove" {
		return badRequest("invalidSyntax", "Unknown PATCH op %q: use add, replace or remove.", op.Op)
	}
	var value any
	hasValue := len(op.Value) > 0 && string(op.Value) != "null"
	if hasValue {
		v, err := decodeValue(op.Value)
		if err != nil {
			return badRequest("invalidValue", "The value of a PATCH operation is not valid JSON.")
		}
		value = v
	}
	if strings.TrimSpace(op.Path) == "" {
		if verb == "remove" {
			return badRequest("noTarget", "A remove operation needs a path.")
		}
		obj, ok := value.(map[string]any)
		if !ok {
			return badRequest("invalidValue", "An %s operation without a path needs an object value.", verb)
		}
		for _, k := range sortedKeys(obj) {
			v := obj[k]
			if sub, ok := v.(map[string]any); ok && strings.HasPrefix(strings.ToLower(k), "urn:") {
				// An extension object: apply its members inside it.
				ext, _ := getCI(attrs, k)
				em, ok := ext.(map[string]any)
				if !ok {
					em = map[string]any{}
				}
				for _, sk := range sortedKeys(sub) {
					if serr := s.applyPath(kind, em, verb, sk, sub[sk], true); serr != nil {
						return serr
					}
				}
				setCI(attrs, k, em)
				continue
			}
			if serr := s.applyPath(kind, attrs, verb, k, v, true); serr != nil {
				return serr
			}
		}
		return nil
	}
	if verb != "remove" && !hasValue {
		return badRequest("invalidValue", "An %s operation needs a value.", verb)
	}
	return s.applyPath(kind, attrs, verb, op.Path, value, hasValue)
}

func decodeValue(raw json.RawMessage) (any, error) {
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// applyPath applies one operation at path (RFC 7644 §3.5.2.1-3).
func (s *SCIM) applyPath(kind *scimKind, attrs map[string]any, verb, path string, value any, hasValue bool) *scimError {
	p, serr := parsePath(path)
	if serr != nil {
		return serr
	}
	container := attrs
	if uri := p.AttributePath.URI(); uri != "" && !strings.EqualFold(uri, kind.schema) {
		ext, _ := getCI(attrs, uri)
		em, ok := ext.(map[string]any)
		if !ok {
			if verb == "remove" {
				return nil
			}
			em = map[string]any{}
			setCI(attrs, uri, em)
		}
		container = em
	} else if s.readOnly(kind, p.AttributePath.AttributeName) {
		return &scimError{status: http.StatusBadRequest, scimType: "mutability",
			detail: "The attribute " + p.AttributePath.AttributeName + " is read-only."}
	}
	name := p.AttributePath.AttributeName
	if sub := p.AttributePath.SubAttribute; sub != nil {
		return applySub(container, verb, name, *sub, value)
	}
	if p.ValueExpression != nil {
		return applyFiltered(container, verb, name, p, value, kind.schema)
	}
	cur, _ := getCI(container, name)
	switch verb {
	case "remove":
		if list, ok := cur.([]any); ok && hasValue {
			// remove with a value list (as Azure AD sends for members):
			// drop the elements whose value matches.
			list = slices.DeleteFunc(slices.Clone(list), func(el any) bool { return containsValue(value, el) })
			setOrDrop(container, name, list)
			return nil
		}
		deleteCI(container, name)
	case "add":
		switch c := cur.(type) {
		case []any:
			setCI(container, name, appendUnique(c, elements(value)))
		case map[string]any:
			if vm, ok := value.(map[string]any); ok {
				mergeInto(c, vm)
				return nil
			}
			setCI(container, name, value)
		default:
			setCI(container, name, value)
		}
	case "replace":
		if c, ok := cur.(map[string]any); ok {
			if vm, ok := value.(map[string]any); ok {
				// Sub-attributes not in value stay (RFC 7644 §3.5.2.3).
				mergeInto(c, vm)
				return nil
			}
		}
		setCI(container, name, value)
	}
	return nil
}

// applySub applies an operation to name.sub: the sub-attribute of a complex
// attribute, or of every element of a multi-valued one.
func applySub(container map[string]any, verb, name, sub string, value any) *scimError {
	cur, exists := getCI(container, name)
	if !exists || cur == nil {
		if verb == "remove" {
			return nil
		}
		setCI(container, name, map[string]any{sub: value})
		return nil
	}
	targets := elements(cur)
	for _, t := range targets {
		m, ok := t.(map[string]any)
		if !ok {
			return badRequest("invalidPath", "%s is not a complex attribute.", name)
		}
		if verb == "remove" {
			deleteCI(m, sub)
		} else {
			setCI(m, sub, value)
		}
	}
	return nil
}

// applyFiltered applies an operation to the elements of a multi-valued
// attribute a value filter selects (name[filter] or name[filter].sub).
func applyFiltered(container map[string]any, verb, name string, p filter.Path, value any, schema string) *scimError {
	cur, _ := getCI(container, name)
	var list []any
	switch c := cur.(type) {
	case nil:
	case []any:
		list = slices.Clone(c)
	default:
		return badRequest("invalidPath", "%s is not multi-valued.", name)
	}
	sub := p.SubAttributeName()
	hit := false
	for i := 0; i < len(list); i++ {
		m, ok := list[i].(map[string]any)
		if !ok || !matches(p.ValueExpression, m, schema) {
			continue
		}
		hit = true
		switch {
		case verb == "remove" && sub == "":
			list = slices.Delete(list, i, i+1)
			i--
		case verb == "remove":
			deleteCI(m, sub)
		case sub != "":
			setCI(m, sub, value)
		default:
			vm, ok := value.(map[string]any)
			if !ok {
				return badRequest("invalidValue", "The value for %s must be an object.", p.String())
			}
			if verb == "add" {
				mergeInto(m, vm)
			} else {
				list[i] = cloneMap(vm)
			}
		}
	}
	if !hit {
		switch {
		case verb == "remove":
			// Nothing to remove: the state asked for already holds.
			return nil
		case sub != "":
			// Azure AD and others create the element this way, e.g.
			// replace emails[type eq "work"].value: build it from the
			// filter's equalities.
			el, ok := elementFromFilter(p.ValueExpression)
			if !ok {
				return badRequest("noTarget", "No value of %s matches the filter in %s.", name, p.String())
			}
			el[sub] = value
			list = append(list, el)
		default:
			return badRequest("noTarget", "No value of %s matches the filter in %s.", name, p.String())
		}
	}
	setOrDrop(container, name, list)
	return nil
}

// elementFromFilter builds an element from a filter made of eq comparisons
// joined by and.
func elementFromFilter(e filter.Expression) (map[string]any, bool) {
	switch t := e.(type) {
	case *filter.AttributeExpression:
		if !strings.EqualFold(string(t.Operator), "eq") || t.AttributePath.SubAttribute != nil || t.AttributePath.URIPrefix != nil {
			return nil, false
		}
		v := t.CompareValue
		if s, ok := v.(string); ok {
			v = unquote(s)
		}
		return map[string]any{t.AttributePath.AttributeName: v}, true
	case *filter.LogicalExpression:
		if !strings.EqualFold(string(t.Operator), "and") {
			return nil, false
		}
		l, ok1 := elementFromFilter(t.Left)
		r, ok2 := elementFromFilter(t.Right)
		if !ok1 || !ok2 {
			return nil, false
		}
		mergeInto(l, r)
		return l, true
	}
	return nil, false
}

func setOrDrop(container map[string]any, name string, list []any) {
	if len(list) == 0 {
		deleteCI(container, name)
		return
	}
	setCI(container, name, list)
}

// appendUnique appends the values not already present (RFC 7644 §3.5.2.1:
// adding a value that exists changes nothing); elements with the same
// "value" are the same.
func appendUnique(list, add []any) []any {
	out := slices.Clone(list)
	for _, a := range add {
		if !slices.ContainsFunc(out, func(e any) bool { return sameValue(e, a) }) {
			out = append(out, cloneValue(a))
		}
	}
	return out
}

func sameValue(a, b any) bool {
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if ok1 && ok2 {
		av, aok := getCI(am, "value")
		bv, bok := getCI(bm, "value")
		if aok && bok {
			return reflect.DeepEqual(av, bv)
		}
	}
	return reflect.DeepEqual(a, b)
}

// containsValue reports whether the value list of a remove operation names
// el.
func containsValue(value, el any) bool {
	return slices.ContainsFunc(elements(value), func(v any) bool { return sameValue(v, el) })
}

func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		setCI(dst, k, cloneValue(v))
	}
}
