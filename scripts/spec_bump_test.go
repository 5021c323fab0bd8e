// Package scripts holds the tests of the repository's shell scripts.
package scripts

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpecBumpScript runs scripts/spec-bump.sh as the weekly workflow does,
// but with a local file as NEW and NOPR=1 (no branch, commit or pull
// request): the pinned document itself is reported unchanged without a
// bump; a copy with one path moved gets the report of make bump (the
// overlay action that no longer applies, the removed paths) in the report
// file, and a line in the summary.
func TestSpecBumpScript(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("the script needs jq (it reads specs/lock.json with it)")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var lock struct {
		Specs []struct{ Name, File string }
	}
	b, err := os.ReadFile(filepath.Join(root, "specs", "lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		t.Fatal(err)
	}
	var pinned string
	for _, s := range lock.Specs {
		if s.Name == "scim2-users" {
			pinned = filepath.Join(root, "specs", ".cache", "upstream", s.File)
		}
	}
	orig, err := os.ReadFile(pinned)
	if err != nil {
		t.Fatalf("the pinned document (run \"make fix\" first): %v", err)
	}
	dir := t.TempDir()
	moved := filepath.Join(dir, "scim2-users.yaml")
	changed := strings.Replace(string(orig), "\n  /Users/{id}:\n", "\n  /Users/{id}/moved:\n", 1)
	if changed == string(orig) {
		t.Fatal("the pinned document has no /Users/{id} path to move")
	}
	if err := os.WriteFile(moved, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(out, newFile string) string {
		t.Helper()
		cmd := exec.Command(filepath.Join(root, "scripts", "spec-bump.sh"), "scimusers", newFile)
		cmd.Env = append(os.Environ(), "NOPR=1", "NOGO=1", "OUT="+out)
		got, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("spec-bump.sh: %v\n%s", err, got)
		}
		return string(got)
	}
	read := func(p string) string {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	out := filepath.Join(dir, "same")
	run(out, pinned)
	if s := read(filepath.Join(out, "summary.md")); s != "- scimusers: unchanged\n" {
		t.Errorf("summary for the pinned document: %q", s)
	}
	if r := read(filepath.Join(out, "scimusers.md")); !strings.Contains(r, "\nunchanged\n") || strings.Contains(r, "make bump exit status") {
		t.Errorf("report for the pinned document:\n%s", r)
	}
	if s := read(filepath.Join(out, "changed")); s != "" {
		t.Errorf("changed lists %q", s)
	}

	out = filepath.Join(dir, "moved")
	stdout := run(out, moved)
	report := read(filepath.Join(out, "scimusers.md"))
	for _, want := range []string{
		"# scimusers: upstream document (scim2-users)",
		"candidate: " + moved,
		"bump scimusers (pin scim2-users)",
		"fixes on the new document: 1 of",
		"selector \"$.paths['/Users/{id}'].get\" did not match any targets",
		"GET /Users/{id}: API path removed without deprecation",
		"GET /Users/{id}/moved: endpoint added",
		"make bump exit status: 0",
		"to apply: make bump API=scimusers NEW=" + moved + " APPLY=1",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	wantSummary := "- scimusers: changed (make bump exit status 0): " + filepath.Join(out, "scimusers.md") + "\n"
	if s := read(filepath.Join(out, "summary.md")); s != wantSummary {
		t.Errorf("summary %q, want %q", s, wantSummary)
	}
	if s := read(filepath.Join(out, "changed")); s != "scimusers\n" {
		t.Errorf("changed lists %q", s)
	}
	if !strings.Contains(stdout, wantSummary) {
		t.Errorf("the script does not print the summary:\n%s", stdout)
	}
	if t.Failed() {
		t.Logf("report:\n%s", report)
	}
}
