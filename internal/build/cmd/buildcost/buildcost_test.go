package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary plays the build's processes: as "parent" it starts itself
// as "grandchild" and waits (as the go command waits for compile); as
// "grandchild" it touches allocMB of memory, burns some CPU and prints its
// own user+sys time in nanoseconds.
const (
	roleEnv = "BUILDCOST_TEST_ROLE"
	allocMB = 200
)

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "parent":
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), roleEnv+"=grandchild")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			os.Exit(3)
		}
		os.Exit(0)
	case "grandchild":
		b := make([]byte, allocMB<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		x := 0
		for i := range 50_000_000 {
			x += i ^ int(b[i%len(b)])
		}
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			os.Exit(4)
		}
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		os.Stdout.WriteString(strconv.FormatInt(int64(cpu), 10) + " " + strconv.Itoa(x%2) + "\n")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRusageCoversDescendants checks what the report's method section
// claims: the rusage of the waited-for command holds the CPU time and the
// peak memory of a process it started and waited for.
func TestRusageCoversDescendants(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), roleEnv+"=parent")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		t.Fatalf("helper printed %q", out)
	}
	ns, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	s := fromProcess(cmd.ProcessState, time.Second)
	if s.PeakKB < allocMB<<10 {
		t.Errorf("peak %d KiB, want at least the grandchild's %d MiB", s.PeakKB, allocMB)
	}
	if grand := time.Duration(ns); s.CPU < grand {
		t.Errorf("CPU %v, less than the grandchild's own %v", s.CPU, grand)
	}
	if s.Wall != time.Second {
		t.Errorf("wall %v, want the one given", s.Wall)
	}
}

func TestMedian(t *testing.T) {
	mk := func(wall, cpu time.Duration, kb int64) sample { return sample{Wall: wall, CPU: cpu, PeakKB: kb} }
	for _, tc := range []struct {
		name string
		in   []sample
		want sample
	}{
		{"none", nil, sample{}},
		{"one", []sample{mk(1, 2, 3)}, mk(1, 2, 3)},
		{"even: mean of the middle two, per measure", []sample{mk(4, 10, 100), mk(2, 30, 300)}, mk(3, 20, 200)},
		{"odd: each measure on its own", []sample{mk(9, 1, 500), mk(1, 5, 100), mk(5, 9, 300)}, mk(5, 5, 300)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.in)
			if got := median(tc.in); got != tc.want {
				t.Errorf("median = %+v, want %+v", got, tc.want)
			}
			if !slices.Equal(in, tc.in) {
				t.Error("median reordered its input")
			}
		})
	}
}

func TestVerdict(t *testing.T) {
	for _, tc := range []struct {
		cpu, mem, limit float64
		want            string
	}{
		{1.0, 0.9, 1, "met"},
		{1.01, 0.9, 1, "**not met** (CPU)"},
		{0.3, 0.41, 0.4, "**not met** (memory)"},
		{1.3, 1.3, 1.25, "**not met** (CPU, memory)"},
		{0, 0, 1, "**not met** (CPU, memory)"}, // nothing measured is not a pass
	} {
		if got := verdict(tc.cpu, tc.mem, tc.limit); got != tc.want {
			t.Errorf("verdict(%v, %v, %v) = %q, want %q", tc.cpu, tc.mem, tc.limit, got, tc.want)
		}
	}
}

func TestTables(t *testing.T) {
	s := func(cpu time.Duration, mb int64) []sample {
		return []sample{{Wall: 2 * cpu, CPU: cpu, PeakKB: mb << 10}}
	}
	r := results{samples: map[string][]sample{
		"task/mgmtapi": s(80*time.Second, 900), "task/goauth0v1": s(100*time.Second, 1000), "task/floor": s(40*time.Second, 300),
		"qs/umbraco": s(50*time.Second, 400), "qs/umbraco/floor": s(40*time.Second, 300),
		"gen/base": s(200*time.Second, 1500), "gen/head": s(60*time.Second, 600),
	}, gen: map[string]genInfo{
		"gen/base": {patterns: []string{"./gen/..."}, packages: 12, lines: 500000},
		"gen/head": {patterns: []string{"./gen/...", "./auth0/..."}, packages: 80, lines: 200000},
	}}
	got := taskTable(r)
	for _, want := range []string{"| 80.0 s | 900 MB | 160.0 s | 0.80× / 0.90× |", "| met |", "|---|---:|"} {
		if !strings.Contains(got, want) {
			t.Errorf("task table lacks %q:\n%s", want, got)
		}
	}
	// 400/300 MB is 1.33×: over the 1.25× limit for memory only.
	got = quickstartTable(r, []string{"umbraco"})
	if !strings.Contains(got, "| 50.0 s | 40.0 s | 1.25× | 400 MB | 300 MB | 1.33× |") || !strings.Contains(got, "**not met** (memory)") {
		t.Errorf("quick start table:\n%s", got)
	}
	got = genTable(r, machineInfo{head: "abc", base: "def"})
	for _, want := range []string{"base def (before) | `./gen/...` | 12 | 500000 |", "this tree abc | `./gen/... ./auth0/...` | 80 |", "| 30% / 40% | ≤ 40% of base | met |"} {
		if !strings.Contains(got, want) {
			t.Errorf("gen table lacks %q:\n%s", want, got)
		}
	}
	delete(r.samples, "gen/base")
	if got := genTable(r, machineInfo{head: "abc"}); !strings.Contains(got, "not measured") {
		t.Errorf("gen table without base:\n%s", got)
	}
}

func TestExistingPatterns(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"gen", "auth0/users"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got := existingPatterns(dir, strings.Fields(defaultGen))
	if want := []string{"./gen/...", "./auth0/..."}; !slices.Equal(got, want) {
		t.Errorf("existingPatterns = %q, want %q", got, want)
	}
}

func TestSpread(t *testing.T) {
	r := results{samples: map[string][]sample{
		"a": {{CPU: 100 * time.Second, PeakKB: 1000}, {CPU: 110 * time.Second, PeakKB: 1000}},
		"b": {{CPU: 50 * time.Second, PeakKB: 400}, {CPU: 50 * time.Second, PeakKB: 500}},
		"c": {{CPU: time.Second, PeakKB: 1}}, // one run: no spread
	}}
	c, m := spread(r)
	if c < 0.0999 || c > 0.1001 || m < 0.2499 || m > 0.2501 {
		t.Errorf("spread = %v, %v; want 0.10, 0.25", c, m)
	}
}

// TestListGenKeepsGeneratedPackages: a hand-written package under the same
// pattern (a connection package, a test kit) is not generated code.
func TestListGenKeepsGeneratedPackages(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":                 "module example.invalid/m\n\ngo 1.26\n",
		"api/users/users.gen.go": "// Code generated. DO NOT EDIT.\n\npackage users\n\n// A is a.\nconst A = 1\n",
		"api/users/doc.go":       "// Package users is generated.\npackage users\n",
		"api/apitest/kit.go":     "// Package apitest is hand-written.\npackage apitest\n",
	})
	info, err := listGen(t.Context(), dir, []string{"./api/..."})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(info.imports, []string{"example.invalid/m/api/users"}) || info.packages != 1 || info.lines != 8 {
		t.Errorf("listGen = %+v, want only api/users (8 lines)", info)
	}
	if _, err := listGen(t.Context(), dir, []string{"./api/apitest"}); err == nil {
		t.Error("no generated package gave no error")
	}
}

// writeModule writes files (path: content) into a new temporary directory
// and returns it.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
