package main

import (
	"maps"
	"strings"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	elfilter "github.com/elimity-com/scim/filter"
	"github.com/elimity-com/scim/schema"
)

// apply performs one PATCH operation, already validated by elimity, on attrs
// (RFC 7644 §3.5.2): add, replace or remove, at the resource itself (no
// path), an attribute, a sub-attribute, or the values of a multi-valued
// attribute a value filter selects.
func (s *store) apply(attrs map[string]any, externalID *string, op scim.PatchOperation) error {
	if op.Path == nil {
		values, ok := op.Value.(map[string]any)
		if !ok {
			return scimerrors.ScimErrorInvalidValue
		}
		for k, v := range values {
			if strings.EqualFold(k, "externalId") {
				*externalID, _ = v.(string)
				continue
			}
			if ext, ok := v.(map[string]any); ok && s.isExtension(k) {
				into := asMap(lookup(attrs, k))
				if into == nil || op.Op == scim.PatchOperationReplace {
					into = map[string]any{}
				}
				for ek, ev := range ext {
					setValue(into, ek, ev, op.Op == scim.PatchOperationAdd)
				}
				attrs[k] = into
				continue
			}
			setValue(attrs, k, v, op.Op == scim.PatchOperationAdd && s.multiValued(s.schema, k))
		}
		return nil
	}
	p := *op.Path
	container, sch := attrs, s.schema
	if uri := p.AttributePath.URI(); uri != "" && uri != s.schema.ID {
		ext := asMap(lookup(attrs, uri))
		if ext == nil {
			if op.Op == scim.PatchOperationRemove {
				return nil
			}
			ext = map[string]any{}
			attrs[uri] = ext
		}
		container = ext
		for _, e := range s.extensions {
			if e.ID == uri {
				sch = e
			}
		}
	}
	name := p.AttributePath.AttributeName
	if strings.EqualFold(name, "externalId") && container != nil && p.AttributePath.URI() == "" {
		if op.Op == scim.PatchOperationRemove {
			*externalID = ""
		} else {
			*externalID, _ = op.Value.(string)
		}
		return nil
	}
	sub := p.AttributePath.SubAttributeName()
	if p.ValueExpression == nil {
		if sub != "" {
			inner := asMap(lookup(container, name))
			if inner == nil {
				if op.Op == scim.PatchOperationRemove {
					return nil
				}
				inner = map[string]any{}
			}
			apply1(inner, sub, op, false)
			container[canonical(container, name)] = inner
			return nil
		}
		apply1(container, name, op, s.multiValued(sch, name))
		return nil
	}
	// A value filter: members[value eq "..."] (optionally .sub).
	attr, ok := sch.Attributes.ContainsAttribute(name)
	if !ok {
		return scimerrors.ScimErrorInvalidPath
	}
	match := elfilter.NewFilterValidator(p.ValueExpression, schema.Schema{ID: sch.ID, Attributes: elfilter.MultiValuedFilterAttributes(attr)})
	list, _ := lookup(container, name).([]any)
	var kept []any
	hit := false
	for _, item := range list {
		m := asMap(item)
		if m == nil || match.PassesFilter(m) != nil {
			kept = append(kept, item)
			continue
		}
		hit = true
		switch {
		case op.Op == scim.PatchOperationRemove && p.SubAttribute == nil:
			// dropped
		case p.SubAttribute != nil:
			m = maps.Clone(m)
			apply1(m, *p.SubAttribute, op, false)
			kept = append(kept, m)
		default:
			if v := asMap(op.Value); v != nil {
				m = maps.Clone(m)
				if op.Op == scim.PatchOperationReplace {
					m = map[string]any{}
				}
				maps.Copy(m, v)
			}
			kept = append(kept, m)
		}
	}
	if !hit {
		// RFC 7644 §3.5.2.2 and §3.5.2.3: a filter that matches nothing.
		return scimerrors.ScimErrorNoTarget
	}
	if len(kept) == 0 {
		delete(container, canonical(container, name))
	} else {
		container[canonical(container, name)] = kept
	}
	return nil
}

// apply1 performs op on key of m.
func apply1(m map[string]any, key string, op scim.PatchOperation, multi bool) {
	switch op.Op {
	case scim.PatchOperationRemove:
		delete(m, canonical(m, key))
	default:
		setValue(m, key, op.Value, op.Op == scim.PatchOperationAdd && multi)
	}
}

// setValue sets key in m, or appends to a multi-valued attribute when
// appending (RFC 7644 §3.5.2.1 add).
func setValue(m map[string]any, key string, v any, appending bool) {
	k := canonical(m, key)
	if appending {
		old, _ := m[k].([]any)
		switch nv := v.(type) {
		case []any:
			m[k] = append(old, nv...)
		default:
			m[k] = append(old, nv)
		}
		return
	}
	m[k] = v
}

func (s *store) isExtension(key string) bool {
	for _, e := range s.extensions {
		if e.ID == key {
			return true
		}
	}
	return false
}

func (s *store) multiValued(sch schema.Schema, name string) bool {
	a, ok := sch.Attributes.ContainsAttribute(name)
	return ok && a.MultiValued()
}

// canonical returns the key of m that equals key case-insensitively
// (attribute names are case-insensitive, RFC 7643 §2.1), or key.
func canonical(m map[string]any, key string) string {
	for k := range m {
		if strings.EqualFold(k, key) {
			return k
		}
	}
	return key
}

func lookup(m map[string]any, key string) any {
	if m == nil {
		return nil
	}
	return m[canonical(m, key)]
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// clone copies attrs deeply enough that a failed PATCH leaves the stored
// resource unchanged.
func clone(attrs map[string]any) map[string]any {
	out := make(map[string]any, len(attrs))
	for k, v := range attrs {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return clone(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = cloneValue(x)
		}
		return out
	}
	return v
}
