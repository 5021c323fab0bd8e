package testkit

import (
	"context"
	"fmt"
	"sync"

	"github.com/mgmtapi/mgmtapi/contract"
)

// Spec is an API's validation document, loaded on first use, once per test
// binary: loading is the expensive part of a kit (about a second for the
// largest documents), so the vendor packages keep one Spec per API for the
// life of the process.
type Spec struct {
	name string
	load func() (*contract.Spec, error)
}

// NewSpec returns the Spec of the API called name whose document doc
// returns (a specdata function). Nothing is loaded until [Spec.Load].
func NewSpec(name string, doc func() string) *Spec {
	s := &Spec{name: name}
	s.load = sync.OnceValues(func() (*contract.Spec, error) {
		cs, err := contract.Load(context.Background(), []byte(doc()))
		if err != nil {
			return nil, fmt.Errorf("testkit: validation document of %s: %w", name, err)
		}
		return cs, nil
	})
	return s
}

// Load returns the loaded document, loading it on the first call.
func (s *Spec) Load() (*contract.Spec, error) { return s.load() }

// Name is the API's name (its specdata name, e.g. "auth0").
func (s *Spec) Name() string { return s.name }
