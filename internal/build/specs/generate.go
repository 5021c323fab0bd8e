package specs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"text/template"

	"gopkg.in/yaml.v3"

	"github.com/mgmtapi/mgmtapi/internal/build/frontgen"
)

// Layout says where the pipeline reads and writes, relative to the module root.
type Layout struct {
	// Root is the module root (where go.mod is).
	Root string
	// Mirror is SPECS_MIRROR: a directory with the pinned documents; empty
	// means download them from their upstream URLs.
	Mirror string
}

// SpecsDir is specs/.
func (l Layout) SpecsDir() string { return filepath.Join(l.Root, "specs") }

// CacheDir is the gitignored cache of upstream and fixed documents.
func (l Layout) CacheDir() string { return filepath.Join(l.Root, "specs", ".cache") }

// FixedPath is where the fixed document of api is written.
func (l Layout) FixedPath(api string) string {
	return filepath.Join(l.CacheDir(), "fixed", api+".json")
}

// Syncer returns the syncer for this layout.
func (l Layout) Syncer() *Syncer {
	return &Syncer{Mirror: l.Mirror, CacheDir: filepath.Join(l.CacheDir(), "upstream")}
}

// FixAll syncs the pinned documents of the named APIs (all when names is
// empty) and writes their fixed documents to the cache.
func (p *Pipeline) FixAll(ctx context.Context, l Layout, names []string) ([]API, error) {
	apis, err := p.selectAPIs(names)
	if err != nil {
		return nil, err
	}
	s := l.Syncer()
	for _, a := range apis {
		pin, _ := p.Lock.Pin(a.Spec)
		up, err := s.Verified(ctx, pin) // the hashed bytes, not a re-read of the cache
		if err != nil {
			return nil, err
		}
		fixed, err := p.Fix(a, up)
		if err != nil {
			return nil, err
		}
		if err := writeAtomic(l.FixedPath(a.Name), fixed); err != nil {
			return nil, err
		}
	}
	return apis, nil
}

func (p *Pipeline) selectAPIs(names []string) ([]API, error) {
	if len(names) == 0 {
		return p.APIs, nil
	}
	var out []API
	for _, n := range names {
		a, ok := p.API(n)
		if !ok {
			return nil, fmt.Errorf("unknown api %q (have %s)", n, strings.Join(p.Names(), ", "))
		}
		out = append(out, a)
	}
	return out, nil
}

// Generate runs oapi-codegen (the version pinned as a tool in go.mod) on the
// fixed document of a, applies the API's rewrites (rewrite.go) to its output
// and writes the package to outDir/<package>: the generated client, the
// companion file the rewrites call (companion.go) and a generated doc.go
// naming the pinned source.
func (p *Pipeline) Generate(ctx context.Context, l Layout, a API, outDir string) error {
	return p.generateFrom(ctx, l, a, l.FixedPath(a.Name), outDir)
}

// generateFrom is Generate from the fixed document at fixedPath (make bump
// generates from a candidate document that is not in the cache).
func (p *Pipeline) generateFrom(ctx context.Context, l Layout, a API, fixedPath, outDir string) error {
	if a.Split {
		return p.generateSplit(ctx, l, a, fixedPath, outDir)
	}
	code, err := p.codegen(ctx, l, a, a.Package, fixedPath, false)
	if err != nil {
		return err
	}
	code, client, _, err := rewriteSource(code, a.Rewrites, false)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Name, err)
	}
	wire, err := companion(a.Package, client)
	if err != nil {
		return err
	}
	spec, err := os.ReadFile(fixedPath)
	if err != nil {
		return err
	}
	front, err := p.frontFile(a, a.Package, spec, code)
	if err != nil {
		return err
	}
	doc, err := p.packageDoc(a, a.Package, "", 0)
	if err != nil {
		return err
	}
	files := map[string][]byte{a.Package + ".gen.go": code, CompanionFile: wire, "doc.go": doc}
	if front != nil {
		files["front.gen.go"] = front
	}
	return writePackage(filepath.Join(outDir, a.Dir), files)
}

// codegen runs oapi-codegen (the version pinned as a tool in go.mod) on the
// document at docPath with the API's configuration, its package clause set to
// pkg (and only models generated when modelsOnly).
func (p *Pipeline) codegen(ctx context.Context, l Layout, a API, pkg, docPath string, modelsOnly bool) ([]byte, error) {
	cfgPath := filepath.Join(p.Dir, a.Codegen)
	if pkg != a.Package || modelsOnly || a.Split {
		b, err := os.ReadFile(cfgPath)
		if err != nil {
			return nil, err
		}
		var cfg map[string]any
		if err := yaml.Unmarshal(b, &cfg); err != nil {
			return nil, fmt.Errorf("%s: %w", a.Codegen, err)
		}
		cfg["package"] = pkg
		if a.Split {
			// Enum constants are named after their type whether or not
			// another constant collides, so that a name is the same in the
			// model package and in every tag package (a collision is judged
			// per document, and the documents differ).
			compat, _ := cfg["compatibility"].(map[string]any)
			if compat == nil {
				compat = map[string]any{}
			}
			compat["always-prefix-enum-values"] = true
			cfg["compatibility"] = compat
		}
		if modelsOnly {
			// The model document has no operations: keep every schema
			// (oapi-codegen drops schemas no operation reaches).
			cfg["generate"] = map[string]any{"models": true}
			oo, _ := cfg["output-options"].(map[string]any)
			if oo == nil {
				oo = map[string]any{}
			}
			oo["skip-prune"] = true
			cfg["output-options"] = oo
		}
		out, err := yaml.Marshal(cfg)
		if err != nil {
			return nil, err
		}
		f, err := os.CreateTemp("", "mgmtapi-codegen-*.yaml")
		if err != nil {
			return nil, err
		}
		defer os.Remove(f.Name())
		if _, err := f.Write(out); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		cfgPath = f.Name()
	}
	abs, err := filepath.Abs(cfgPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", "tool", "oapi-codegen", "-config", abs, docPath)
	cmd.Dir = l.Root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: oapi-codegen %s: %v\n%s", a.Name, pkg, err, stderr.String())
	}
	clause := []byte("\npackage " + pkg + "\n")
	if !bytes.Contains(stdout.Bytes(), clause) {
		return nil, fmt.Errorf("%s: oapi-codegen did not write package %s", a.Name, pkg)
	}
	// Detach oapi-codegen's generic package comment from the package clause
	// so that the generated doc.go is the package documentation.
	return bytes.Replace(stdout.Bytes(), clause, append([]byte("\n"), clause...), 1), nil
}

// generateSplit writes a split API: dir/model (the shared schemas) and one
// package per tag, each generated from its sub-document and then made to
// use model (Externalize).
func (p *Pipeline) generateSplit(ctx context.Context, l Layout, a API, fixedPath, outDir string) error {
	fixed, err := os.ReadFile(fixedPath)
	if err != nil {
		return err
	}
	sp, err := SplitByTag(fixed)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Name, err)
	}
	work, err := os.MkdirTemp("", "mgmtapi-split-"+a.Name+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	mod, err := modulePath(l.Root)
	if err != nil {
		return err
	}
	base := filepath.Join(outDir, a.Dir)
	if err := removeGenerated(base); err != nil {
		return err
	}
	modelDoc := filepath.Join(work, "model.json")
	if err := os.WriteFile(modelDoc, sp.Model, 0o644); err != nil {
		return err
	}
	modelCode, err := p.codegen(ctx, l, a, "model", modelDoc, true)
	if err != nil {
		return err
	}
	if modelCode, err = format.Source(modelCode); err != nil {
		return err
	}
	doc, err := p.packageDoc(a, "model", "", sp.Shared)
	if err != nil {
		return err
	}
	if err := writePackage(filepath.Join(base, "model"), map[string][]byte{"model.gen.go": modelCode, "doc.go": doc}); err != nil {
		return err
	}
	modelPath := path.Join(mod, filepath.ToSlash(a.Dir), "model")
	counts := map[string]int{}
	var mu sync.Mutex
	errs := make([]error, len(sp.Tags))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, t := range sp.Tags {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = func() error {
				docPath := filepath.Join(work, t.Package+".json")
				if err := os.WriteFile(docPath, t.Doc, 0o644); err != nil {
					return err
				}
				code, err := p.codegen(ctx, l, a, t.Package, docPath, false)
				if err != nil {
					return err
				}
				code, client, n, err := rewriteSource(code, a.Rewrites, true)
				if err != nil {
					return fmt.Errorf("%s/%s: %w", a.Name, t.Package, err)
				}
				mu.Lock()
				for _, c := range n {
					counts[c.Name] += c.Sites
				}
				mu.Unlock()
				wire, err := companion(t.Package, client)
				if err != nil {
					return err
				}
				front, err := p.frontFile(a, t.Package, t.Doc, code)
				if err != nil {
					return fmt.Errorf("%s/%s: %w", a.Name, t.Package, err)
				}
				files := map[string][]byte{t.Package + ".gen.go": code, CompanionFile: wire}
				if front != nil {
					files["front.gen.go"] = front
				}
				files, err = Externalize(files, modelCode, modelPath)
				if err != nil {
					return fmt.Errorf("%s/%s: %w", a.Name, t.Package, err)
				}
				doc, err := p.packageDoc(a, t.Package, t.Tag, t.Operations)
				if err != nil {
					return err
				}
				files["doc.go"] = doc
				return writePackage(filepath.Join(base, t.Package), files)
			}()
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, r := range a.Rewrites {
		if counts[r] == 0 {
			return fmt.Errorf("%s: rewrite %s changed nothing in any tag package: remove it from pipeline.yaml or fix its anchor", a.Name, r)
		}
	}
	return nil
}

// writePackage writes files into dir, creating it.
func writePackage(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range files {
		if err := writeAtomic(filepath.Join(dir, name), b); err != nil {
			return err
		}
	}
	return nil
}

// removeGenerated deletes the packages under dir (its subdirectories) whose
// files are all generated, so that a tag that left the spec leaves no stale
// package behind. Hand-written files (the vendor package in dir itself,
// tests beside generated code) are never touched.
func removeGenerated(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		sub := filepath.Join(dir, e.Name())
		files, err := os.ReadDir(sub)
		if err != nil {
			return err
		}
		all := len(files) > 0
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(sub, f.Name()))
			if f.IsDir() || err != nil || !IsGenerated(b) {
				all = false
				break
			}
		}
		if all {
			if err := os.RemoveAll(sub); err != nil {
				return err
			}
		}
	}
	return nil
}

// IsGenerated reports whether Go source b carries the "Code generated ...
// DO NOT EDIT." line before its package clause.
func IsGenerated(b []byte) bool {
	head, _, _ := bytes.Cut(b, []byte("\npackage "))
	for _, line := range bytes.Split(head, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("// Code generated ")) && bytes.HasSuffix(bytes.TrimSpace(line), []byte("DO NOT EDIT.")) {
			return true
		}
	}
	return false
}

// frontFile returns the front door (front.gen.go: New, one method per
// operation, iterators) generated from the document spec (the one the
// client code was generated from), or nil for an API without a preset.
func (p *Pipeline) frontFile(a API, pkg string, spec, code []byte) ([]byte, error) {
	pre, ok := frontgen.PresetFor(a.Name)
	if !ok {
		return nil, nil
	}
	front, err := frontgen.Generate(pkg, pre, spec, code)
	if err != nil {
		return nil, err
	}
	iters, err := frontgen.Iterators(pkg, pre, spec, code)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.iters == nil {
		p.iters = map[string][]frontgen.Iterator{}
	}
	p.iters[a.Name] = append(p.iters[a.Name], iters...)
	return front, nil
}

var docTemplate = template.Must(template.New("doc").Parse(`// Code generated by internal/build/cmd/specs from specs/pipeline.yaml. DO NOT EDIT.

{{if eq .Pkg "model"}}// Package model holds the {{.N}} schemas of the {{.API.Title}} that
// operations of more than one tag use; the tag packages beside it refer to
// them, so that a program compiles only the tags it imports.
{{else if .Tag}}// Package {{.Pkg}} is the "{{.Tag}}" part of the {{.API.Title}}:
// its {{.N}} operation(s), the types only they use, and API, the ready client
// built with New from a connection.
{{else}}// Package {{.Pkg}} is a typed client for the {{.API.Title}}.
{{end}}//
// It is generated by oapi-codegen from the upstream OpenAPI document pinned in
// specs/lock.json as "{{.Pin.Name}}":
//
//	version {{.Pin.Version}}, upstream commit {{.Pin.Commit}}
//	{{.Pin.URL}}
//	sha256 {{.Pin.SHA256}}
//
// after the project's fixes ({{if .API.Steps}}steps: {{range $i, $s := .API.Steps}}{{if $i}}, {{end}}{{$s}}{{end}}{{end}}{{if and .API.Steps .API.Overlays}}; {{end}}{{if .API.Overlays}}overlays: {{range $i, $o := .API.Overlays}}{{if $i}}, {{end}}specs/{{$o}}{{end}}{{end}}), configured in specs/{{.API.Codegen}}.
// Regenerate with "make generate" (or "go generate ./..." at the module root);
// never edit the generated files by hand.
package {{.Pkg}}
`))

// packageDoc is the doc.go of package pkg of a: the API's only package
// (tag ""), a tag's package, or the model package; n counts its operations
// (or, for model, schemas).
func (p *Pipeline) packageDoc(a API, pkg, tag string, n int) ([]byte, error) {
	pin, _ := p.Lock.Pin(a.Spec)
	var b bytes.Buffer
	err := docTemplate.Execute(&b, struct {
		API      API
		Pin      Pin
		Pkg, Tag string
		N        int
	}{a, pin, pkg, tag, n})
	return b.Bytes(), err
}

// GenerateAll fixes and generates the named APIs (all when names is empty)
// into outDir, two at a time: oapi-codegen is single-threaded and the
// machines this runs on have two cores.
func (p *Pipeline) GenerateAll(ctx context.Context, l Layout, names []string, outDir string) error {
	apis, err := p.FixAll(ctx, l, names)
	if err != nil {
		return err
	}
	errs := make([]error, len(apis))
	sem := make(chan struct{}, 2)
	done := make(chan struct{})
	for i, a := range apis {
		go func() {
			sem <- struct{}{}
			errs[i] = p.Generate(ctx, l, a, outDir)
			<-sem
			done <- struct{}{}
		}()
	}
	for range apis {
		<-done
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	mod, err := modulePath(l.Root)
	if err != nil {
		return err
	}
	for _, a := range apis {
		if err := p.writeShim(a, outDir, mod); err != nil {
			return err
		}
		if err := p.writeSpecData(l, a, outDir); err != nil {
			return err
		}
	}
	return nil
}
