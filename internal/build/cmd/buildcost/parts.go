package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// Where a program's build CPU goes: the go command's action graph
// (go build -debug-actiongraph) records each action's own user and system
// time (CmdUser, CmdSys: the compile, asm, cgo or link process it ran), and
// go list tells which module each package comes from. Summed per group, the
// parts show which dependency a cold build pays for, so that the next cut is
// chosen from figures and not from line counts.

// Group names that are not a module path.
const (
	partStd       = "standard library (and cgo)"
	partProgram   = "the program: its main package and the link"
	partGenerated = "mgmtapi: generated packages (*.gen.go)"
	partRuntime   = "mgmtapi: hand-written packages"
	partGoCommand = "go command (the rest of the total)"
)

// graphAction is what buildcost reads of one action of the graph.
type graphAction struct {
	Mode    string
	Package string
	CmdUser time.Duration // nanoseconds in the JSON, as time.Duration marshals
	CmdSys  time.Duration
}

// classifier maps an import path to its group, from go list -deps of the
// program built.
type classifier struct {
	main  string
	group map[string]string
}

// listGroups runs go list -deps on pkg in dir and groups its packages.
func listGroups(ctx context.Context, dir, pkg string) (classifier, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f",
		"{{.ImportPath}}\t{{.Standard}}\t{{.Name}}\t{{with .Module}}{{.Path}}{{end}}\t{{range .GoFiles}}{{.}} {{end}}", pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		return classifier{}, fmt.Errorf("go list -deps %s in %s: %w", pkg, dir, err)
	}
	return parseGroups(string(out)), nil
}

// parseGroups reads listGroups' go list output: one line per package, the
// last one (go list -deps lists dependencies first) being the program.
func parseGroups(out string) classifier {
	c := classifier{group: map[string]string{}}
	for line := range strings.Lines(out) {
		f := strings.Split(strings.TrimRight(line, "\n"), "\t")
		if len(f) < 5 {
			continue
		}
		path, std, name, mod, files := f[0], f[1] == "true", f[2], f[3], strings.Fields(f[4])
		switch {
		case std:
			c.group[path] = partStd
		case name == "main":
			c.group[path] = partProgram
			c.main = path
		case mod == "github.com/mgmtapi/mgmtapi":
			c.group[path] = partRuntime
			if generated(files) {
				c.group[path] = partGenerated
			}
		case mod != "":
			c.group[path] = mod
		default:
			c.group[path] = path
		}
	}
	return c
}

// parts sums the action graph in file per group; what the tools' processes
// do not account for of total is the go command's own.
func (c classifier) parts(file string, total time.Duration) (map[string]time.Duration, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var acts []graphAction
	if err := json.Unmarshal(b, &acts); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p := map[string]time.Duration{}
	var tools time.Duration
	for _, a := range acts {
		d := a.CmdUser + a.CmdSys
		if d <= 0 {
			continue
		}
		g, ok := c.group[a.Package]
		switch {
		case a.Mode == "link" || a.Package == c.main:
			g = partProgram
		case !ok:
			g = partStd // runtime/cgo's and net's cgo steps, actions without a package
		}
		p[g] += d
		tools += d
	}
	if rest := total - tools; rest > 0 {
		p[partGoCommand] = rest
	}
	return p, nil
}

// medianParts is, per group, the median over the runs (a run without the
// group counts as zero).
func medianParts(runs []map[string]time.Duration) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, p := range runs {
		for k := range p {
			out[k] = 0
		}
	}
	for k := range out {
		ss := make([]sample, len(runs))
		for i, p := range runs {
			ss[i].CPU = p[k]
		}
		out[k] = median(ss).CPU
	}
	return out
}

// partsTable renders the CPU seconds of each group for the cells keys (the
// column headers are labels), the groups in decreasing order of the first
// cell's figure; groups under 0.1 s in every cell are folded into one row.
func partsTable(r results, keys, labels []string) string {
	cols := make([]map[string]time.Duration, len(keys))
	groups := map[string]bool{}
	for i, k := range keys {
		cols[i] = medianParts(r.parts[k])
		for g := range cols[i] {
			groups[g] = true
		}
	}
	order := slices.Collect(maps.Keys(groups))
	slices.SortFunc(order, func(a, b string) int {
		for _, c := range cols {
			if c[a] != c[b] {
				if c[a] > c[b] {
					return -1
				}
				return 1
			}
		}
		return strings.Compare(a, b)
	})
	secs := func(d time.Duration) string { return fmt.Sprintf("%.1f", d.Seconds()) }
	var rows [][]string
	small := make([]time.Duration, len(keys))
	nsmall := 0
	totals := make([]time.Duration, len(keys))
	for _, g := range order {
		big := false
		for _, c := range cols {
			big = big || c[g] >= 100*time.Millisecond
		}
		row := []string{groupLabel(g)}
		for i, c := range cols {
			totals[i] += c[g]
			if !big {
				small[i] += c[g]
			}
			row = append(row, secs(c[g]))
		}
		if big {
			rows = append(rows, row)
		} else {
			nsmall++
		}
	}
	if nsmall > 0 {
		row := []string{fmt.Sprintf("%d other groups, each under 0.1 s", nsmall)}
		for _, d := range small {
			row = append(row, secs(d))
		}
		rows = append(rows, row)
	}
	row := []string{"**sum of the parts**"}
	for _, d := range totals {
		row = append(row, "**"+secs(d)+"**")
	}
	rows = append(rows, row)
	return table(append([]string{"part (CPU seconds, median)"}, labels...), rows)
}

// generated reports whether a package with these Go files is generated
// code: it has a *.gen.go file (its doc.go and the like are hand-written).
func generated(files []string) bool {
	return slices.ContainsFunc(files, func(n string) bool { return strings.HasSuffix(n, ".gen.go") })
}

// groupLabel puts module paths in code font.
func groupLabel(g string) string {
	switch g {
	case partStd, partProgram, partGenerated, partRuntime, partGoCommand:
		return g
	}
	return "`" + g + "`"
}
