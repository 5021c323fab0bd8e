// Package scim is the hand-written half of the SCIM 2.0 clients
// (gen/scimusers, gen/scimgroups, gen/scimroles, gen/scimbulk, gen/scimme
// ...): typed builders for filters (Filter, RFC 7644 §3.4.2.2) and PATCH
// requests (Patch, §3.5.2), a list iterator that survives a wrong
// totalResults (List), a bulk runner that splits and paces (Bulker, §3.7),
// the request editor that puts application/scim+json on the wire
// (SetMediaType), and the types the generated clients use where the
// upstream documents are too loose to generate a usable one (Value,
// PatchRequest, BulkRequest, BulkResponse).
package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Value is one value of a SCIM multi-valued attribute (RFC 7643 §2.4), such
// as an e-mail address, phone number, group or role.
//
// Asgardeo's own examples sometimes send plain strings ("emails":
// ["kim@example.com"]) where RFC 7643 sends objects; Value decodes both, the
// string form into Value, and always encodes the RFC 7643 object form.
type Value struct {
	// Value is the attribute's value, e.g. the e-mail address or group id.
	Value string `json:"value,omitempty"`
	// Display is a human-readable name, e.g. a group's display name.
	Display string `json:"display,omitempty"`
	// Type is a label such as "work" or "home".
	Type string `json:"type,omitempty"`
	// Primary marks the preferred value of the attribute.
	Primary bool `json:"primary,omitempty"`
	// Ref is the URI of the resource the value refers to ("$ref").
	Ref string `json:"$ref,omitempty"`
}

// UnmarshalJSON accepts an RFC 7643 object or a bare JSON string.
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = Value{Value: s}
		return nil
	}
	type plain Value // no methods: avoids recursion
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("scim: a multi-valued attribute must be an object or a string: %w", err)
	}
	*v = Value(p)
	return nil
}
