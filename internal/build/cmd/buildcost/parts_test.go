package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseGroups(t *testing.T) {
	out := strings.Join([]string{
		"fmt\ttrue\tfmt\t\tprint.go ",
		"go.opentelemetry.io/otel/trace\tfalse\ttrace\tgo.opentelemetry.io/otel/trace\ttrace.go ",
		"github.com/mgmtapi/mgmtapi/auth\tfalse\tauth\tgithub.com/mgmtapi/mgmtapi\tsource.go ",
		"github.com/mgmtapi/mgmtapi/auth0/users\tfalse\tusers\tgithub.com/mgmtapi/mgmtapi\tdoc.go users.gen.go ",
		"example.invalid/cmd\tfalse\tmain\texample.invalid\tmain.go ",
		"",
	}, "\n")
	c := parseGroups(out)
	want := map[string]string{
		"fmt":                                    partStd,
		"go.opentelemetry.io/otel/trace":         "go.opentelemetry.io/otel/trace",
		"github.com/mgmtapi/mgmtapi/auth":        partRuntime,
		"github.com/mgmtapi/mgmtapi/auth0/users": partGenerated,
		"example.invalid/cmd":                    partProgram,
	}
	for p, g := range want {
		if c.group[p] != g {
			t.Errorf("group of %s = %q, want %q", p, c.group[p], g)
		}
	}
	if c.main != "example.invalid/cmd" {
		t.Errorf("main = %q", c.main)
	}
}

func TestPartsFromGraph(t *testing.T) {
	c := classifier{main: "example.invalid/cmd", group: map[string]string{
		"fmt": partStd, "example.invalid/lib": "example.invalid", "example.invalid/cmd": partProgram,
	}}
	graph := filepath.Join(t.TempDir(), "g.json")
	const s = int64(time.Second)
	body := `[
	{"Mode":"build","Package":"fmt","CmdUser":` + itoa(2*s) + `,"CmdSys":` + itoa(s/2) + `},
	{"Mode":"build","Package":"example.invalid/lib","CmdUser":` + itoa(s) + `},
	{"Mode":"build check cache","Package":"example.invalid/lib"},
	{"Mode":"build","Package":"example.invalid/cmd","CmdUser":` + itoa(s/4) + `},
	{"Mode":"link","Package":"example.invalid/cmd","CmdUser":` + itoa(s) + `},
	{"Mode":"cgo compile gcc_util.c","Package":"","CmdUser":` + itoa(s/4) + `}
]`
	if err := os.WriteFile(graph, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := c.parts(graph, 6*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Duration{
		partStd:           2750 * time.Millisecond, // fmt and the cgo step
		"example.invalid": time.Second,
		partProgram:       1250 * time.Millisecond, // main compile and link
		partGoCommand:     time.Second,             // 6 s total − 5 s of tools
	}
	if len(p) != len(want) {
		t.Errorf("parts = %v, want %v", p, want)
	}
	for g, d := range want {
		if p[g] != d {
			t.Errorf("part %q = %v, want %v", g, p[g], d)
		}
	}
	if _, err := c.parts(filepath.Join(t.TempDir(), "missing.json"), time.Second); err == nil {
		t.Error("a missing graph gave no error")
	}
	if err := os.WriteFile(graph, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.parts(graph, time.Second); err == nil {
		t.Error("a broken graph gave no error")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestPartsOfARealBuild checks the action graph's field names against the
// go command in use: a module of two fresh packages built with the shared
// cache compiles exactly those two and links, and their CPU lands in their
// groups.
func TestPartsOfARealBuild(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":      "module example.invalid/parts\n\ngo 1.26\n",
		"lib/lib.go":  "package lib\n\n// N is a value.\nfunc N() int { return " + itoa(time.Now().UnixNano()) + " }\n",
		"cmd/main.go": "package main\n\nimport \"example.invalid/parts/lib\"\n\nfunc main() { println(lib.N()) }\n",
	})
	ctx := context.Background()
	c, err := listGroups(ctx, dir, "./cmd")
	if err != nil {
		t.Fatal(err)
	}
	if c.main != "example.invalid/parts/cmd" || c.group["example.invalid/parts/lib"] != "example.invalid/parts" || c.group["runtime"] != partStd {
		t.Fatalf("groups: main %q, %v", c.main, c.group)
	}
	graph := filepath.Join(dir, "graph.json")
	cmd := exec.CommandContext(ctx, "go", "build", "-debug-actiongraph="+graph, "-o", os.DevNull, "./cmd")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	total := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	p, err := c.parts(graph, total)
	if err != nil {
		t.Fatal(err)
	}
	if p["example.invalid/parts"] <= 0 || p[partProgram] <= 0 {
		t.Errorf("parts %v: the fresh package and the program (compile, link) took no CPU", p)
	}
	var sum time.Duration
	for _, d := range p {
		sum += d
	}
	// The go command's part is the rest of the total, so the parts sum to
	// it, unless the tools alone took more (rusage and the graph round
	// differently): then there is no rest.
	if p[partGoCommand] > 0 && sum != total || p[partGoCommand] == 0 && sum < total {
		t.Errorf("parts sum to %v, total %v: %v", sum, total, p)
	}
}

func TestPartsTable(t *testing.T) {
	run := func(kv ...any) map[string]time.Duration {
		m := map[string]time.Duration{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(time.Duration)
		}
		return m
	}
	sec := time.Second
	r := results{parts: map[string][]map[string]time.Duration{
		// Two runs: the median is the mean of the two.
		"a": {run(partStd, 50*sec, "go.opentelemetry.io/otel", 4*sec, partGenerated, 2*sec, "tiny/one", 50*time.Millisecond),
			run(partStd, 60*sec, "go.opentelemetry.io/otel", 6*sec, partGenerated, 2*sec, "tiny/two", 30*time.Millisecond)},
		"b": {run(partStd, 54*sec, "golang.org/x/oauth2", 300*time.Millisecond)},
	}}
	got := partsTable(r, []string{"a", "b"}, []string{"ours", "floor"})
	lines := strings.Split(strings.TrimSpace(got), "\n")
	want := []string{
		"| part (CPU seconds, median) | ours | floor |",
		"|---|---:|---:|",
		"| standard library (and cgo) | 55.0 | 54.0 |",
		"| `go.opentelemetry.io/otel` | 5.0 | 0.0 |",
		"| mgmtapi: generated packages (*.gen.go) | 2.0 | 0.0 |",
		"| `golang.org/x/oauth2` | 0.0 | 0.3 |",
		"| 2 other groups, each under 0.1 s | 0.0 | 0.0 |",
		"| **sum of the parts** | **62.0** | **54.3** |",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("parts table:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestReportHasParts(t *testing.T) {
	one := []sample{{Wall: time.Second, CPU: time.Second, PeakKB: 1 << 10}}
	r := results{samples: map[string][]sample{}, parts: map[string][]map[string]time.Duration{}}
	for _, k := range []string{"task/mgmtapi", "task/goauth0v1", "task/floor", "qs/umbraco", "qs/umbraco/floor"} {
		r.samples[k] = one
		r.parts[k] = []map[string]time.Duration{{partStd: time.Second}}
	}
	r.parts["task/mgmtapi"][0]["github.com/oapi-codegen/runtime"] = 2 * time.Second
	got := report(machineInfo{rounds: 1}, options{runs: 1, quickstarts: []string{"umbraco"}}, r)
	for _, want := range []string{
		"### Where the task's build CPU goes",
		"| part (CPU seconds, median) | mgmtapi | go-auth0 v1 | floor |",
		"| `github.com/oapi-codegen/runtime` | 2.0 | 0.0 | 0.0 |",
		"### Where the quick starts' build CPU goes",
		"| part (CPU seconds, median) | umbraco | umbraco floor |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	delete(r.parts, "task/mgmtapi")
	if got := report(machineInfo{rounds: 1}, options{runs: 1}, r); strings.Contains(got, "Where the task") {
		t.Error("a task without parts still got a parts table")
	}
}
