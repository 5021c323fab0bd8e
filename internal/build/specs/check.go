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
// file under gen/ that differs from, is missing in, or is extra to what the
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
	diffs, err := compareTrees(filepath.Join(l.Root, "gen"), tmp)
	if err != nil {
		return err
	}
	if len(diffs) == 0 {
		fmt.Fprintln(w, "gen/ matches the pinned specs and fixes")
		return nil
	}
	for _, d := range diffs {
		fmt.Fprintln(w, d)
	}
	return fmt.Errorf("gen/ is out of date in %d file(s): run make generate and commit the result", len(diffs))
}

// compareTrees lists files that differ between the committed tree and the
// freshly generated one, as "changed gen/x", "missing gen/x", "extra gen/x".
func compareTrees(committed, fresh string) ([]string, error) {
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
			out = append(out, "missing gen/"+name)
		case !bytes.Equal(got, want):
			out = append(out, "changed gen/"+name)
		}
	}
	for name := range a {
		if _, ok := b[name]; !ok {
			out = append(out, "extra   gen/"+name)
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
