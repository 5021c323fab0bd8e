package scim

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// PatchOpSchema is the schema URI of a PATCH request (RFC 7644 §3.5.2).
const PatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

// Operation is one PATCH operation (RFC 7644 §3.5.2): op is "add",
// "replace" or "remove"; path is empty when the operation targets the
// resource itself (its value is then an object of attributes).
type Operation struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// PatchRequest is the body of a SCIM PATCH request, the type of the
// generated clients' PATCH bodies. Build one with Patch.
type PatchRequest struct {
	// Schemas is [PatchOpSchema]; MarshalJSON fills it in when empty.
	Schemas    []string    `json:"schemas"`
	Operations []Operation `json:"Operations"`
}

// MarshalJSON writes the request with schemas defaulted to [PatchOpSchema],
// which RFC 7644 §3.5.2 requires.
func (p PatchRequest) MarshalJSON() ([]byte, error) {
	type plain PatchRequest
	if len(p.Schemas) == 0 {
		p.Schemas = []string{PatchOpSchema}
	}
	if p.Operations == nil {
		p.Operations = []Operation{}
	}
	return json.Marshal(plain(p))
}

// Path is the target of a PATCH operation (RFC 7644 §3.5.2 PATH): an
// attribute ("name.givenName", "urn:...:User:manager"), or the values of a
// multi-valued attribute selected by a value filter
// (members[value eq "2819c223"]), optionally one of their sub-attributes.
type Path struct {
	attr   string
	filter *Filter
	sub    string
	err    error
}

// AttrPath targets the attribute at attr.
func AttrPath(attr string) Path {
	return Path{attr: attr, err: checkAttrPath(attr)}
}

// ValuePath targets the values of the multi-valued attribute attr that
// match f: ValuePath("members", Eq("value", id)). Asgardeo accepts only a
// simple comparison as f (see Filter.Simple and Patch.CheckSimpleFilters).
func ValuePath(attr string, f Filter) Path {
	vf := ValueFilter(attr, f)
	if vf.err != nil {
		return Path{err: vf.err}
	}
	return Path{attr: attr, filter: &f}
}

// Sub targets sub-attribute name of the values p selects:
// ValuePath("emails", Eq("type", "work")).Sub("value").
func (p Path) Sub(name string) Path {
	if p.err != nil {
		return p
	}
	if p.filter == nil {
		return Path{err: errors.New("scim: Sub needs a value path; write the attribute path as \"attr.sub\"")}
	}
	if err := checkAttrPath(name); err != nil || strings.ContainsAny(name, ".:") {
		return Path{err: fmt.Errorf("scim: invalid sub-attribute %q", name)}
	}
	p.sub = name
	return p
}

// Build returns the path text, or the first error of its parts.
func (p Path) Build() (string, error) {
	if p.err != nil {
		return "", p.err
	}
	if p.attr == "" {
		return "", errors.New("scim: empty path")
	}
	if p.filter == nil {
		return p.attr, nil
	}
	f, err := ValueFilter(p.attr, *p.filter).Build()
	if err != nil {
		return "", err
	}
	if p.sub != "" {
		f += "." + p.sub
	}
	return f, nil
}

// String returns the path text, or "!(error)" for an invalid path.
func (p Path) String() string {
	s, err := p.Build()
	if err != nil {
		return "!(" + err.Error() + ")"
	}
	return s
}

// Patch builds a PATCH request one operation at a time; the zero Patch is
// empty and ready to use. Each method returns the extended Patch, so calls
// chain, and the first error is reported by Request.
type Patch struct {
	ops    []Operation
	simple []bool
	err    error
}

func (p Patch) with(op string, path Path, value any, hasValue bool) Patch {
	if p.err != nil {
		return p
	}
	var text string
	if path != (Path{}) {
		var err error
		if text, err = path.Build(); err != nil {
			p.err = fmt.Errorf("%s: %w", op, err)
			return p
		}
	}
	if hasValue && value == nil {
		p.err = fmt.Errorf("scim: %s %s: a value is required", op, text)
		return p
	}
	ops := append(append([]Operation(nil), p.ops...), Operation{Op: op, Path: text, Value: value})
	simple := append(append([]bool(nil), p.simple...), path.filter == nil || path.filter.Simple())
	return Patch{ops: ops, simple: simple}
}

// Add adds value at path (RFC 7644 §3.5.2.1): a multi-valued attribute
// gets the values appended, a single-valued one is set. The zero Path adds
// the attributes of value (an object) to the resource.
func (p Patch) Add(path Path, value any) Patch { return p.with("add", path, value, true) }

// Replace replaces the value at path (RFC 7644 §3.5.2.3); the zero Path
// replaces the attributes of value (an object).
func (p Patch) Replace(path Path, value any) Patch { return p.with("replace", path, value, true) }

// Remove removes the value at path (RFC 7644 §3.5.2.2); path is required.
func (p Patch) Remove(path Path) Patch {
	if path == (Path{}) && p.err == nil {
		p.err = errors.New("scim: remove needs a path (RFC 7644 §3.5.2.2)")
		return p
	}
	return p.with("remove", path, nil, false)
}

// Request returns the PATCH body, or the first error.
func (p Patch) Request() (PatchRequest, error) {
	if p.err != nil {
		return PatchRequest{}, p.err
	}
	if len(p.ops) == 0 {
		return PatchRequest{}, errors.New("scim: a PATCH request needs at least one operation")
	}
	return PatchRequest{Schemas: []string{PatchOpSchema}, Operations: append([]Operation(nil), p.ops...)}, nil
}

// CheckSimpleFilters reports an error when an operation's path has a value
// filter other than one attribute comparison (members[value eq "x"]):
// Asgardeo rejects and/or/not inside PATCH path filters.
func (p Patch) CheckSimpleFilters() error {
	for i, ok := range p.simple {
		if !ok {
			return fmt.Errorf("scim: operation %d (%s %s): Asgardeo accepts only a simple comparison in a PATCH path filter", i+1, p.ops[i].Op, p.ops[i].Path)
		}
	}
	return nil
}
