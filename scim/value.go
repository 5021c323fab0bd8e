// Package scim holds the few hand-written types the generated SCIM 2.0
// clients (gen/scimusers, gen/scimgroups) use where the upstream documents
// are too loose to generate a usable type.
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
