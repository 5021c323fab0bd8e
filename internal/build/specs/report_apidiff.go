package specs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// GoChange is one change apidiff reports in the exported API of gen/.
type GoChange struct {
	Message    string
	Compatible bool
}

// GoReport is the Go API impact of a bump on every package under
// gen/<package>/ (the generated client and whatever is generated beside it).
type GoReport struct {
	Package string
	Changes []GoChange
}

// goReport compares the committed gen/<package>/... with the tree generated
// from the candidate fixed document. Each side becomes a throw-away copy of
// this module holding only that tree (go.mod and go.sum copied, so the
// dependency versions are the real ones); apidiff, in module mode, writes the
// export data of each and compares the two.
func (p *Pipeline) goReport(ctx context.Context, l Layout, a API, newFixed []byte) (*GoReport, error) {
	tmp, err := os.MkdirTemp("", "mgmtapi-apidiff-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	root, err := filepath.Abs(l.Root)
	if err != nil {
		return nil, err
	}
	modPath, err := modulePath(root)
	if err != nil {
		return nil, err
	}
	oldMod, newMod := filepath.Join(tmp, "old"), filepath.Join(tmp, "new")
	for _, dir := range []string{oldMod, newMod} {
		for _, f := range []string{"go.mod", "go.sum"} {
			b, err := os.ReadFile(filepath.Join(root, f))
			if err != nil {
				return nil, err
			}
			if err := writeAtomic(filepath.Join(dir, f), b); err != nil {
				return nil, err
			}
		}
	}
	// Both sides start from the committed tree of the API (the new side
	// keeps its hand-written vendor package; its generated packages are
	// replaced below).
	for _, dir := range []string{oldMod, newMod} {
		if err := copyTree(filepath.Join(root, a.Dir), filepath.Join(dir, a.Dir)); err != nil {
			return nil, fmt.Errorf("copy %s: %w", a.Dir, err)
		}
	}
	// The generated code may import packages of this module (package scim):
	// both copies get them, unchanged, so apidiff sees no change there.
	deps, err := moduleDeps(ctx, root, modPath, filepath.ToSlash(a.Dir))
	if err != nil {
		return nil, err
	}
	for _, d := range deps {
		for _, dir := range []string{oldMod, newMod} {
			if err := copyPackage(filepath.Join(root, d), filepath.Join(dir, d)); err != nil {
				return nil, err
			}
		}
	}
	fixedPath := filepath.Join(tmp, a.Name+".fixed.json")
	if err := os.WriteFile(fixedPath, newFixed, 0o600); err != nil {
		return nil, err
	}
	if err := p.generateFrom(ctx, l, a, fixedPath, newMod); err != nil {
		return nil, err
	}
	exports := map[string]string{}
	for side, dir := range map[string]string{"old": oldMod, "new": newMod} {
		exports[side] = filepath.Join(tmp, side+".export")
		if _, err := goTool(ctx, root, dir, "apidiff", "-m", "-w", exports[side], modPath); err != nil {
			return nil, fmt.Errorf("%s (%s): %w", a.Dir, side, err)
		}
	}
	out, err := goTool(ctx, root, oldMod, "apidiff", "-m", exports["old"], exports["new"])
	if err != nil {
		return nil, err
	}
	return &GoReport{Package: filepath.ToSlash(a.Dir), Changes: parseAPIDiff(string(out))}, nil
}

// parseAPIDiff reads apidiff's text report: "Incompatible changes:" and
// "Compatible changes:" headers, each followed by "- message" lines, the
// messages of module mode preceded by a package line.
func parseAPIDiff(out string) []GoChange {
	var changes []GoChange
	compatible := false
	pkg := ""
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasSuffix(line, "Incompatible changes:"):
			compatible = false
		case strings.HasSuffix(line, "Compatible changes:"):
			compatible = true
		case strings.HasPrefix(strings.TrimSpace(line), "- "):
			msg := strings.TrimPrefix(strings.TrimSpace(line), "- ")
			if pkg != "" {
				msg = pkg + ": " + msg
			}
			changes = append(changes, GoChange{Message: msg, Compatible: compatible})
		case strings.TrimSpace(line) != "":
			pkg = strings.TrimSuffix(strings.TrimSpace(line), ":")
		}
	}
	return changes
}

// Write prints the incompatible changes, then the compatible ones (counted
// only, past 50, unless verbose).
func (r *GoReport) Write(w io.Writer, verbose bool) {
	var inc, comp []string
	for _, c := range r.Changes {
		if c.Compatible {
			comp = append(comp, c.Message)
		} else {
			inc = append(inc, c.Message)
		}
	}
	fmt.Fprintf(w, "Go API impact (apidiff, %s/...): %d incompatible, %d compatible\n", r.Package, len(inc), len(comp))
	if len(inc) > 0 {
		fmt.Fprintf(w, "incompatible (%d):\n", len(inc))
		for _, m := range inc {
			fmt.Fprintln(w, "  "+m)
		}
	}
	if len(comp) > 0 {
		fmt.Fprintf(w, "compatible (%d):\n", len(comp))
		if len(comp) > 50 && !verbose {
			fmt.Fprintln(w, "  (listed with -v)")
			return
		}
		for _, m := range comp {
			fmt.Fprintln(w, "  "+m)
		}
	}
}

// modulePath reads the module line of root/go.mod.
func modulePath(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(b)) {
		if m, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(m), `"`), nil
		}
	}
	return "", fmt.Errorf("%s/go.mod has no module line", root)
}

// moduleDeps lists, relative to the module root, the directories of this
// module's packages that gen/<pkg>/... imports, directly or not.
func moduleDeps(ctx context.Context, root, modPath, dir string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f", "{{if .Module}}{{if .Module.Main}}{{.ImportPath}}{{end}}{{end}}", "./"+dir+"/...")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%v\n%s", err, ee.Stderr)
		}
		return nil, fmt.Errorf("go list -deps ./%s/...: %w", dir, err)
	}
	var dirs []string
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		if line == modPath { // the module's root package (mgmtapi.Page, Nullable, ...)
			dirs = append(dirs, ".")
			continue
		}
		rel, ok := strings.CutPrefix(line, modPath+"/")
		if ok && rel != dir && !strings.HasPrefix(rel, dir+"/") {
			dirs = append(dirs, filepath.FromSlash(rel))
		}
	}
	return dirs, nil
}

// copyPackage copies the non-test files of one package directory.
func copyPackage(src, dst string) error {
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := writeAtomic(filepath.Join(dst, e.Name()), b); err != nil {
			return err
		}
	}
	return nil
}

// copyTree copies the regular files under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return writeAtomic(filepath.Join(dst, rel), b)
	})
}
