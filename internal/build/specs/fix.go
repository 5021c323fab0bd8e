package specs

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/speakeasy-api/openapi/overlay"
	"github.com/speakeasy-api/openapi/overlay/loader"
	"gopkg.in/yaml.v3"
)

// Fix applies the API's steps and overlays to the upstream document and
// returns the fixed document as JSON: what oapi-codegen generates from and
// what the contract tests serve with Prism.
func (p *Pipeline) Fix(a API, upstream []byte) ([]byte, error) {
	return p.fix(a, upstream, true)
}

// FixBaseline is Fix without the steps that only remove duplication: the
// least the document needs for oapi-codegen's output to compile. It is the
// "raw" side of the build-cost comparison.
func (p *Pipeline) FixBaseline(a API, upstream []byte) ([]byte, error) {
	return p.fix(a, upstream, false)
}

func (p *Pipeline) fix(a API, upstream []byte, dedup bool) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(upstream)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: parse upstream spec: %w", a.Name, err)
	}
	if err := applySteps(a, &doc, dedup, false); err != nil {
		return nil, err
	}
	for _, f := range a.Overlays {
		o, err := p.loadOverlay(a, f)
		if err != nil {
			return nil, err
		}
		warnings, err := o.ApplyToStrict(&doc)
		if err != nil {
			return nil, fmt.Errorf("%s: apply overlay %s: %w", a.Name, f, err)
		}
		if len(warnings) > 0 {
			return nil, fmt.Errorf("%s: overlay %s: %s", a.Name, f, strings.Join(warnings, "; "))
		}
	}
	if err := applySteps(a, &doc, dedup, true); err != nil {
		return nil, err
	}
	return toJSON(&doc)
}

// applySteps applies a's steps in order: the early ones (late false) before
// the overlays, the Late ones after them.
func applySteps(a API, doc *yaml.Node, dedup, late bool) error {
	for _, name := range a.Steps {
		s, err := stepByName(name)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Name, err)
		}
		if s.Late != late || (s.Dedup && !dedup) {
			continue
		}
		if s.Apply(doc) == 0 {
			return fmt.Errorf("%s: step %s changed nothing: upstream may have fixed it; remove it from pipeline.yaml", a.Name, name)
		}
	}
	return nil
}

// loadOverlay loads and validates the overlay file f of a (a name in
// specs/, as pipeline.yaml lists it).
func (p *Pipeline) loadOverlay(a API, f string) (*overlay.Overlay, error) {
	o, err := loader.LoadOverlay(filepath.Join(p.Dir, f))
	if err != nil {
		return nil, fmt.Errorf("%s: load overlay %s: %w", a.Name, f, err)
	}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("%s: overlay %s is not valid: %w", a.Name, f, err)
	}
	return o, nil
}
