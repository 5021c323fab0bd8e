package specs

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// ToolsModfile is the go.mod-format file, relative to the module root, that
// pins the review tools (oasdiff, apidiff) for `go tool -modfile=...`. It is
// kept apart from go.mod so that the tools' requirements never raise the
// versions importers of this module build with.
const ToolsModfile = "internal/build/tools/tools.mod"

// SpecChange is one change oasdiff reports between two documents.
type SpecChange struct {
	// ID is oasdiff's kind of change, e.g. "response-property-removed".
	ID string `json:"id"`
	// Text describes the change in oasdiff's words.
	Text string `json:"text"`
	// Level is oasdiff's severity: 3 error (breaking), 2 warning, 1 info.
	Level int `json:"level"`
	// Operation and Path name the operation changed ("GET", "/users");
	// OperationID is its operationId in the new document.
	Operation   string `json:"operation"`
	OperationID string `json:"operationId"`
	Path        string `json:"path"`
	// Section is the part of the document: "paths" or "components".
	Section string `json:"section"`
	// Fixes names our steps and overlays that touch what the change is
	// about, when the change appears only over the fixed documents (the
	// fixes cause it) or only over the upstream ones (the fixes mask it).
	Fixes []string `json:"-"`
}

// Severity names oasdiff's levels.
func (c SpecChange) Severity() string {
	switch c.Level {
	case 3:
		return "error"
	case 2:
		return "warning"
	}
	return "info"
}

func (c SpecChange) key() string {
	return fmt.Sprint(c.Level, "\x00", c.ID, "\x00", c.Operation, "\x00", c.Path, "\x00", c.Text)
}

func (c SpecChange) where() string {
	if c.Operation == "" && c.Path == "" {
		return c.Section
	}
	return c.Operation + " " + c.Path
}

// SpecReport is the breaking-change report over the fixed documents, with
// what our fixes cause and mask.
type SpecReport struct {
	// Changes are oasdiff's changes between the fixed old and new
	// documents; Fixes is set on those the upstream documents do not show.
	Changes []SpecChange
	// Masked are changes between the upstream documents that the fixed
	// documents do not show.
	Masked []SpecChange
}

// oasdiffChangelog runs `oasdiff changelog` (pinned in ToolsModfile) on two
// documents held in memory and decodes its JSON output.
func oasdiffChangelog(ctx context.Context, root string, oldDoc, newDoc []byte) ([]SpecChange, error) {
	tmp, err := os.MkdirTemp("", "mgmtapi-oasdiff-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	oldPath, newPath := filepath.Join(tmp, "old.json"), filepath.Join(tmp, "new.json")
	if err := os.WriteFile(oldPath, oldDoc, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(newPath, newDoc, 0o600); err != nil {
		return nil, err
	}
	out, err := goTool(ctx, root, root, "oasdiff", "changelog", oldPath, newPath, "--format", "json")
	if err != nil {
		return nil, err
	}
	var changes []SpecChange
	if err := json.Unmarshal(out, &changes); err != nil {
		return nil, fmt.Errorf("oasdiff: decode its output: %w", err)
	}
	return changes, nil
}

// goTool runs a tool pinned in ToolsModfile with the working directory dir
// and returns its standard output.
func goTool(ctx context.Context, root, dir, tool string, args ...string) ([]byte, error) {
	modfile, err := filepath.Abs(filepath.Join(root, ToolsModfile))
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", append([]string{"tool", "-modfile=" + modfile, tool}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %v\n%s", tool, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// specReport compares the fixed documents and, to attribute what our fixes
// cause or mask, the upstream ones. A change in only one of the two runs is
// annotated with the fixes that changed its operation, or a component its
// operation reaches, in the old or the new document.
func specReport(ctx context.Context, root string, oldUp, newUp []byte, oldFix, newFix *fixReport) (*SpecReport, error) {
	// The two runs are independent: run them side by side.
	var raw []SpecChange
	var rawErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		raw, rawErr = oasdiffChangelog(ctx, root, oldUp, newUp)
	}()
	fixed, err := oasdiffChangelog(ctx, root, oldFix.Fixed, newFix.Fixed)
	<-done
	if err != nil {
		return nil, err
	}
	if rawErr != nil {
		return nil, fmt.Errorf("upstream documents: %w", rawErr)
	}
	inRaw := map[string]bool{}
	for _, c := range raw {
		inRaw[c.key()] = true
	}
	inFixed := map[string]bool{}
	r := &SpecReport{}
	for _, c := range fixed {
		inFixed[c.key()] = true
		if !inRaw[c.key()] {
			c.Fixes = attribute(c, oldFix, newFix)
		}
		r.Changes = append(r.Changes, c)
	}
	for _, c := range raw {
		if !inFixed[c.key()] {
			c.Fixes = attribute(c, oldFix, newFix)
			r.Masked = append(r.Masked, c)
		}
	}
	return r, nil
}

// attribute names the fixes that touched c's operation or, failing that,
// anything the operation refers to; "unattributed" when none did (a change about the
// document as a whole, or one the fixes cause indirectly).
func attribute(c SpecChange, reports ...*fixReport) []string {
	op := "op " + c.Operation + " " + c.Path
	direct, viaRef := map[string]bool{}, map[string]bool{}
	for _, r := range reports {
		for name, touched := range r.Touched {
			if touched[op] {
				direct[name] = true
				continue
			}
			for _, rr := range reports {
				for comp := range rr.Refs[op] {
					if touched[comp] {
						viaRef[name] = true
					}
				}
			}
		}
	}
	// The fixes that changed the operation itself are the likelier cause;
	// only when none did, name those that changed what it refers to.
	names := direct
	if len(names) == 0 {
		names = viaRef
	}
	if len(names) == 0 {
		return []string{"unattributed"}
	}
	return slices.Sorted(maps.Keys(names))
}

// Write prints the report: counts by severity and kind, then every error and
// warning with its operation, then the infos (past 50, counted by kind with
// only the endpoint kinds listed, unless verbose), then the changes only the
// upstream documents show, counted by kind.
func (r *SpecReport) Write(w io.Writer, verbose bool) {
	bySev := map[string][]SpecChange{}
	for _, c := range r.Changes {
		bySev[c.Severity()] = append(bySev[c.Severity()], c)
	}
	fmt.Fprintf(w, "breaking-change report (oasdiff, fixed old -> fixed new): %d error, %d warning, %d info\n",
		len(bySev["error"]), len(bySev["warning"]), len(bySev["info"]))
	for _, g := range groupByID(r.Changes) {
		if g[0].Level > 1 {
			fmt.Fprintf(w, "  %-7s %5d  %s\n", g[0].Severity(), len(g), g[0].ID)
		}
	}
	for _, sev := range []string{"error", "warning", "info"} {
		cs := bySev[sev]
		if len(cs) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s (%d):\n", sev, len(cs))
		for _, g := range groupByID(cs) {
			fmt.Fprintf(w, "  %s (%d)\n", g[0].ID, len(g))
			if sev == "info" && !verbose && len(cs) > 50 && !strings.HasPrefix(g[0].ID, "endpoint-") {
				continue
			}
			for _, c := range g {
				line := fmt.Sprintf("    %s: %s", c.where(), c.Text)
				if len(c.Fixes) > 0 {
					line += "  [only after fixes: " + strings.Join(c.Fixes, ", ") + "]"
				}
				fmt.Fprintln(w, line)
			}
		}
	}
	if len(r.Masked) == 0 {
		return
	}
	fmt.Fprintf(w, "masked by our fixes (upstream -> upstream only): %d\n", len(r.Masked))
	for _, g := range groupByID(r.Masked) {
		fixes := map[string]bool{}
		for _, c := range g {
			for _, f := range c.Fixes {
				fixes[f] = true
			}
		}
		fmt.Fprintf(w, "  %s %s (%d)  [%s]\n", g[0].Severity(), g[0].ID, len(g), strings.Join(slices.Sorted(maps.Keys(fixes)), ", "))
		if !verbose {
			continue
		}
		for _, c := range g {
			fmt.Fprintf(w, "    %s: %s\n", c.where(), c.Text)
		}
	}
}

// groupByID groups changes by severity (highest first) and kind, each group
// sorted by operation.
func groupByID(cs []SpecChange) [][]SpecChange {
	cs = slices.Clone(cs)
	slices.SortStableFunc(cs, func(a, b SpecChange) int {
		return cmp.Or(cmp.Compare(b.Level, a.Level), cmp.Compare(a.ID, b.ID),
			cmp.Compare(a.Path, b.Path), cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Text, b.Text))
	})
	var out [][]SpecChange
	for i, c := range cs {
		if i == 0 || c.ID != cs[i-1].ID || c.Level != cs[i-1].Level {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], c)
	}
	return out
}
