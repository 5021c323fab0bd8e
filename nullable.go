package mgmtapi

import (
	"bytes"
	"encoding/json"
)

// Nullable is a request member that the API lets a caller clear: as a
// struct field it is a *Nullable[T] (tagged omitempty), so it has three
// states on the wire:
//
//	nil            the member is left out (the value stays as it is)
//	Null[T]()      "member": null           (the value is cleared)
//	Set(v)         "member": v
//
// The generated request types use it for members their spec types
// [T, "null"] (Auth0 PATCH /users/{id} name, email, phone_number, ...).
// Decoding JSON null into a *Nullable field leaves the pointer nil, as
// encoding/json does for every pointer; Nullable is for sending.
type Nullable[T any] struct {
	value T
	null  bool
}

// Set returns a member that sends v.
func Set[T any](v T) *Nullable[T] { return &Nullable[T]{value: v} }

// Null returns a member that sends null.
func Null[T any]() *Nullable[T] { return &Nullable[T]{null: true} }

// Get returns the value and whether there is one (false for null).
func (n Nullable[T]) Get() (T, bool) { return n.value, !n.null }

// IsNull reports whether the member is null.
func (n Nullable[T]) IsNull() bool { return n.null }

// MarshalJSON writes null or the value.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.null {
		return []byte("null"), nil
	}
	return json.Marshal(n.value)
}

// UnmarshalJSON reads null or a value.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		var zero T
		n.value, n.null = zero, true
		return nil
	}
	n.null = false
	return json.Unmarshal(b, &n.value)
}
