package synth

import (
	"github.com/getkin/kin-openapi/openapi3"
)

// maxEnrichDepth bounds how deep enrich adds optional members.
const maxEnrichDepth = 5

// Enrich returns v (a valid value of s) with as many optional members and
// array items added as keep it valid against s, so that a test sending it
// exercises more than the required minimum: every optional object member,
// in sorted order, is added (built like sample builds a value, then
// enriched itself) and kept only if the object stays valid; an empty array
// gets one item. The result is valid against s whenever v is. depth is 0 for
// a top-level call.
func (sm Sampler) Enrich(s *openapi3.Schema, v any, depth int) any {
	if s == nil || depth > maxEnrichDepth {
		return v
	}
	if alts := append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...); len(alts) > 0 {
		for _, alt := range alts {
			if alt.Value == nil {
				continue
			}
			if n, ok := sm.Valid(s, sm.Enrich(alt.Value, v, depth+1)); ok {
				return n
			}
		}
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		return sm.enrichObject(s, x, depth)
	case []any:
		items := s.Items
		if items == nil || items.Value == nil {
			return v
		}
		out := append([]any(nil), x...)
		if len(out) == 0 {
			out = append(out, sm.Build(items.Value, depth+1))
		}
		for i := range out {
			out[i] = sm.Enrich(items.Value, out[i], depth+1)
		}
		if n, ok := sm.Valid(s, out); ok {
			return n
		}
	}
	return v
}

// enrichObject adds the optional members of s (and of its allOf parts) to
// obj, one at a time, keeping each that leaves obj valid against s.
func (sm Sampler) enrichObject(s *openapi3.Schema, obj map[string]any, depth int) any {
	props := map[string]*openapi3.SchemaRef{}
	var collect func(*openapi3.Schema, int)
	collect = func(x *openapi3.Schema, d int) {
		if x == nil || d > 3 {
			return
		}
		for name, p := range x.Properties {
			if _, dup := props[name]; !dup && p != nil && p.Value != nil && !sm.leftOut(p.Value) {
				props[name] = p
			}
		}
		for _, part := range x.AllOf {
			collect(part.Value, d+1)
		}
	}
	collect(s, 0)
	// Fast path: every member valid on its own, the object checked once.
	fast := make(map[string]any, len(props))
	for k, x := range obj {
		fast[k] = x
	}
	for _, name := range sortedKeys(props) {
		p := props[name].Value
		old, had := fast[name]
		if !had {
			old = sm.Build(p, depth+1)
		}
		if n, ok := sm.Valid(p, sm.Enrich(p, old, depth+1)); ok {
			fast[name] = n
		} else if had {
			fast[name] = old
		}
	}
	if len(props) == 0 && len(fast) == 0 {
		// A map: one made-up member, when the schema allows it.
		var member any = "x"
		if ap := s.AdditionalProperties.Schema; ap != nil && ap.Value != nil {
			member = sm.Enrich(ap.Value, sm.Build(ap.Value, depth+1), depth+1)
		}
		fast["key0"] = member
		if _, ok := sm.Valid(s, fast); !ok {
			delete(fast, "key0")
		}
	}
	if n, ok := sm.Valid(s, fast); ok {
		return n
	}
	// Members that constrain each other: add them one at a time.
	out := make(map[string]any, len(props))
	for k, x := range obj {
		out[k] = x
	}
	for _, name := range sortedKeys(props) {
		p := props[name].Value
		old, had := out[name]
		var cand any
		if had {
			cand = sm.Enrich(p, old, depth+1)
		} else {
			cand = sm.Enrich(p, sm.Build(p, depth+1), depth+1)
		}
		out[name] = cand
		if _, ok := sm.Valid(s, out); ok {
			continue
		}
		if had {
			out[name] = old
		} else {
			delete(out, name)
		}
	}
	if n, ok := sm.Valid(s, out); ok {
		return n
	}
	return obj
}
