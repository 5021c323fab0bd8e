package specs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// Check regenerates every API into a temporary tree and reports, on w, each
// generated file (every API's dir, the shims) that differs from, is missing in, or is extra to what the
// pinned specs and fixes produce. It fails when there is any.
func (p *Pipeline) Check(ctx context.Context, l Layout, w io.Writer) error {
	tmp, err := os.MkdirTemp("", "mgmtapi-check-gen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := p.GenerateAll(ctx, l, nil, tmp); err != nil {
		return err
	}
	var diffs []string
	for _, dir := range p.generatedRoots() {
		d, err := compareTrees(filepath.Join(l.Root, dir), filepath.Join(tmp, dir), dir)
		if err != nil {
			return err
		}
		diffs = append(diffs, d...)
	}
	if len(diffs) == 0 {
		fmt.Fprintln(w, "the generated packages match the pinned specs and fixes")
		return nil
	}
	for _, d := range diffs {
		fmt.Fprintln(w, d)
	}
	return fmt.Errorf("%d generated file(s) out of date: run make generate and commit the result", len(diffs))
}

// generatedRoots are the directories the pipeline writes into: each API's
// dir, the test suites' shims and the test kits' validation documents. Only generated files in them are compared
// (hand-written ones, such as the vendor packages, are not the pipeline's).
func (p *Pipeline) generatedRoots() []string {
	roots := []string{ShimDir, SpecDataDir}
	for _, a := range p.APIs {
		roots = append(roots, a.Dir)
	}
	return roots
}

// compareTrees lists the generated files under committed that differ from,
// are missing in, or are extra to the fresh tree, as "changed dir/x",
// "missing dir/x", "extra dir/x". For an API generated as one package, only
// that directory's own files count (its parent's other packages are other
// APIs').
func compareTrees(committed, fresh, dir string) ([]string, error) {
	a, err := readTree(committed)
	if err != nil {
		return nil, err
	}
	b, err := readTree(fresh)
	if err != nil {
		return nil, err
	}
	var out []string
	for name, want := range b {
		got, ok := a[name]
		switch {
		case !ok:
			out = append(out, "missing "+dir+"/"+name)
		case !bytes.Equal(got, want):
			out = append(out, "changed "+dir+"/"+name)
		}
	}
	for name, got := range a {
		if _, ok := b[name]; !ok && IsGenerated(got) {
			out = append(out, "extra   "+dir+"/"+name)
		}
	}
	sort.Strings(out)
	return out, nil
}

func readTree(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if os.IsNotExist(err) {
		return files, nil
	}
	return files, err
}
