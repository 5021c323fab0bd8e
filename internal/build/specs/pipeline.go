package specs

import (
	"sync"

	"github.com/mgmtapi/mgmtapi/internal/build/frontgen"

	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// API is one generated package, as configured in specs/pipeline.yaml.
type API struct {
	// Name is the API's short name; it names the fixed spec in the cache
	// and is what `make bump API=<name>` takes.
	Name string `yaml:"name"`
	// Spec is the name of the pinned document in lock.json.
	Spec string `yaml:"spec"`
	// Title describes the API in the generated package doc.
	Title string `yaml:"title"`
	// Package is the Go package name of an API generated as one package.
	Package string `yaml:"package"`
	// Dir is where the API's code goes, relative to the module root (e.g.
	// "asgardeo/users"; for a split API the parent of its tag packages,
	// e.g. "auth0" or "umbraco/v17").
	Dir string `yaml:"dir"`
	// Split generates one package per tag plus a model package for the
	// schemas several tags share (split.go), so that a program compiles
	// only the tags it imports.
	Split bool `yaml:"split"`
	// Steps names the normalisation steps applied, in order, before the
	// overlays (see Steps).
	Steps []string `yaml:"steps"`
	// Overlays are OpenAPI Overlay files, relative to specs/, applied in order
	// after the steps.
	Overlays []string `yaml:"overlays"`
	// Codegen is the oapi-codegen configuration file, relative to specs/.
	Codegen string `yaml:"codegen"`
	// Rewrites names the edits applied to oapi-codegen's output (see
	// Rewrites); each must change at least one place.
	Rewrites []string `yaml:"rewrites"`
}

// Pipeline is the content of specs/pipeline.yaml plus the lock it refers to.
type Pipeline struct {
	// Dir is the specs/ directory the relative paths are resolved against.
	Dir  string
	APIs []API `yaml:"apis"`
	Lock *Lock `yaml:"-"`

	// iters collects, while generating, the iterators frontgen wrote per
	// API, for the test suites' shims.
	mu    sync.Mutex
	iters map[string][]frontgen.Iterator
}

// LoadPipeline reads specs/pipeline.yaml and specs/lock.json from dir and
// checks that every API names a pinned spec, known steps and existing files.
func LoadPipeline(dir string) (*Pipeline, error) {
	lock, err := LoadLock(filepath.Join(dir, "lock.json"))
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, "pipeline.yaml"))
	if err != nil {
		return nil, fmt.Errorf("read pipeline: %w", err)
	}
	p := &Pipeline{Dir: dir, Lock: lock}
	if err := yaml.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("parse %s: %w", filepath.Join(dir, "pipeline.yaml"), err)
	}
	known := map[string]bool{}
	for _, s := range Steps() {
		known[s.Name] = true
	}
	for _, a := range p.APIs {
		if _, ok := lock.Pin(a.Spec); !ok {
			return nil, fmt.Errorf("pipeline: api %s: spec %q is not in lock.json", a.Name, a.Spec)
		}
		for _, s := range a.Steps {
			if !known[s] {
				return nil, fmt.Errorf("pipeline: api %s: unknown step %q", a.Name, s)
			}
		}
		for _, r := range a.Rewrites {
			if _, ok := rewriteByName(r); !ok {
				return nil, fmt.Errorf("pipeline: api %s: unknown rewrite %q", a.Name, r)
			}
		}
		for _, f := range append([]string{a.Codegen}, a.Overlays...) {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				return nil, fmt.Errorf("pipeline: api %s: %w", a.Name, err)
			}
		}
	}
	return p, nil
}

// API returns the API with the given name.
func (p *Pipeline) API(name string) (API, bool) {
	for _, a := range p.APIs {
		if a.Name == name {
			return a, true
		}
	}
	return API{}, false
}

// Names lists the configured APIs.
func (p *Pipeline) Names() []string {
	var n []string
	for _, a := range p.APIs {
		n = append(n, a.Name)
	}
	return n
}
