package oteltest

import (
	"os/exec"
	"strings"
	"testing"
)

// apiOnly are the OpenTelemetry packages the library may import itself:
// the API, never an SDK or exporter.
var apiOnly = map[string]bool{
	"go.opentelemetry.io/otel":             true,
	"go.opentelemetry.io/otel/attribute":   true,
	"go.opentelemetry.io/otel/codes":       true,
	"go.opentelemetry.io/otel/metric":      true,
	"go.opentelemetry.io/otel/metric/noop": true,
	"go.opentelemetry.io/otel/propagation": true,
	"go.opentelemetry.io/otel/trace":       true,
}

// TestAPIOnlyImportGraph lists (go list -deps) the import graph of every
// package of the module but the test and build tooling (internal/tests,
// internal/build): the public packages, the runtime, the examples; it fails on any OpenTelemetry SDK,
// exporter or contrib package in it, and on a direct OpenTelemetry import
// of the module's own packages outside the API packages.
func TestAPIOnlyImportGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("go list over the module")
	}
	roots := libraryPackages(t)
	out, err := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}}|{{.Module}}|{{join .Imports \",\"}}"}, roots...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	ours, checked := 0, 0
	for line := range strings.Lines(string(out)) {
		parts := strings.SplitN(strings.TrimSpace(line), "|", 3)
		if len(parts) != 3 {
			continue
		}
		pkg, imports := parts[0], strings.Split(parts[2], ",")
		checked++
		for _, bad := range []string{"go.opentelemetry.io/otel/sdk", "go.opentelemetry.io/otel/exporters", "go.opentelemetry.io/contrib"} {
			if pkg == bad || strings.HasPrefix(pkg, bad+"/") {
				t.Errorf("%s is in the import graph of the module's packages", pkg)
			}
		}
		if !strings.HasPrefix(pkg, "github.com/mgmtapi/mgmtapi") || strings.Contains(pkg, "/internal/tests/") || strings.Contains(pkg, "/internal/build/") {
			continue
		}
		ours++
		for _, im := range imports {
			if strings.HasPrefix(im, "go.opentelemetry.io/") && !apiOnly[im] {
				t.Errorf("%s imports %s, not an OpenTelemetry API package", pkg, im)
			}
		}
	}
	t.Logf("%d packages in the graph, %d of the library's own checked", checked, ours)
	if ours < 100 {
		t.Errorf("only %d of the library's packages listed", ours)
	}
}

// otelOnly are the module paths a program compiles only when it imports
// otelmgmt: OpenTelemetry and what only it brings (go-logr, for the global
// providers' error handler).
var otelOnly = []string{
	"go.opentelemetry.io",
	"github.com/go-logr",
}

// TestTelemetryIsOptInByImport lists the import graph of every package of
// the module but otelmgmt and the test and build tooling (the vendor and
// API packages, option, auth, retry, ratelimit, redisstore, the runtime,
// the test kits, the examples) and fails on anything of otelOnly in it:
// only a program that imports otelmgmt pays for OpenTelemetry, traces and
// metrics alike. It also checks that otelmgmt's graph does hold them, so
// the test cannot pass by listing nothing.
func TestTelemetryIsOptInByImport(t *testing.T) {
	if testing.Short() {
		t.Skip("go list over the module")
	}
	var roots []string
	for _, pkg := range libraryPackages(t) {
		if pkg != "github.com/mgmtapi/mgmtapi/otelmgmt" {
			roots = append(roots, pkg)
		}
	}
	traced := func(pkg string) bool {
		for _, p := range otelOnly {
			if pkg == p || strings.HasPrefix(pkg, p+"/") {
				return true
			}
		}
		return false
	}
	deps := func(roots ...string) []string {
		out, err := exec.Command("go", append([]string{"list", "-deps"}, roots...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	listed := deps(roots...)
	for _, pkg := range listed {
		if traced(pkg) {
			t.Errorf("%s is in the import graph of a package that does not import otelmgmt", pkg)
		}
	}
	n := 0
	for _, pkg := range deps("github.com/mgmtapi/mgmtapi/otelmgmt") {
		if traced(pkg) {
			n++
		}
	}
	t.Logf("%d roots, %d packages in their graph; otelmgmt brings %d telemetry packages", len(roots), len(listed), n)
	if len(roots) < 100 || n < 10 {
		t.Errorf("listed %d roots and %d telemetry packages of otelmgmt: the check saw too little", len(roots), n)
	}
}

// libraryPackages lists the module's packages but the test and build
// tooling (internal/tests, internal/build): the public packages, the
// runtime, the test kits, the examples.
func libraryPackages(t *testing.T) []string {
	t.Helper()
	all, err := exec.Command("go", "list", "github.com/mgmtapi/mgmtapi/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []string
	for line := range strings.Lines(string(all)) {
		pkg := strings.TrimSpace(line)
		if !strings.Contains(pkg, "/internal/tests/") && !strings.Contains(pkg, "/internal/build/") {
			pkgs = append(pkgs, pkg)
		}
	}
	return pkgs
}
