package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

// Targets of issue 19.
const (
	quickstartLimit = 1.25 // each quick start ≤ 1.25× its floor (CPU and peak memory)
	genLimit        = 0.40 // all generated code ≤ 40 % of the base (CPU and peak memory)
)

// results are the samples per cell key, and what the gen cells covered.
type results struct {
	samples map[string][]sample
	parts   map[string][]map[string]time.Duration // per run, programs only (parts.go)
	gen     map[string]genInfo
}

func (r results) has(key string) bool   { return len(r.samples[key]) > 0 }
func (r results) med(key string) sample { return median(r.samples[key]) }

func nproc() int { return runtime.NumCPU() }

func cpu(s sample) string  { return fmt.Sprintf("%.1f s", s.CPU.Seconds()) }
func mem(s sample) string  { return fmt.Sprintf("%d MB", s.PeakKB/1024) }
func wall(s sample) string { return fmt.Sprintf("%.1f s", s.Wall.Seconds()) }

// ratios are a's CPU and peak memory over b's.
func ratios(a, b sample) (cpu, mem float64) {
	if b.CPU > 0 {
		cpu = a.CPU.Seconds() / b.CPU.Seconds()
	}
	if b.PeakKB > 0 {
		mem = float64(a.PeakKB) / float64(b.PeakKB)
	}
	return cpu, mem
}

// verdict says whether both ratios are within limit.
func verdict(cpu, mem, limit float64) string {
	if cpu > 0 && mem > 0 && cpu <= limit && mem <= limit {
		return "met"
	}
	var miss []string
	if cpu <= 0 || cpu > limit {
		miss = append(miss, "CPU")
	}
	if mem <= 0 || mem > limit {
		miss = append(miss, "memory")
	}
	return "**not met** (" + strings.Join(miss, ", ") + ")"
}

// table renders a Markdown table; columns after the first are right-aligned
// unless their header starts with "~".
func table(header []string, rows [][]string) string {
	var b strings.Builder
	var align []string
	for i, h := range header {
		if i > 0 && !strings.HasPrefix(h, "~") {
			align = append(align, "---:")
		} else {
			align = append(align, "---")
		}
		header[i] = strings.TrimPrefix(h, "~")
	}
	b.WriteString("| " + strings.Join(header, " | ") + " |\n")
	b.WriteString("|" + strings.Join(align, "|") + "|\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	return b.String()
}

func taskTable(r results) string {
	m, v1, fl := r.med("task/mgmtapi"), r.med("task/goauth0v1"), r.med("task/floor")
	c, k := ratios(m, v1)
	fc, fk := ratios(m, fl)
	rows := [][]string{
		{"mgmtapi: [examples/auth0-task](../examples/auth0-task/main.go)", cpu(m), mem(m), wall(m), fmt.Sprintf("%.2f× / %.2f×", c, k), fmt.Sprintf("%.2f× / %.2f×", fc, fk), "≤ go-auth0 v1's CPU and peak memory", verdict(c, k, 1)},
		{"go-auth0 v1.10.0: [goauth0v1/task](../" + programsDir + "/goauth0v1/task/main.go)", cpu(v1), mem(v1), wall(v1), "1.00× / 1.00×", "", "", ""},
		{"floor (net/http, encoding/json, x/oauth2): [floor/task](../" + programsDir + "/floor/task/main.go)", cpu(fl), mem(fl), wall(fl), "", "1.00× / 1.00×", "", ""},
	}
	return table([]string{"program", "CPU", "peak memory", "wall", "vs go-auth0 v1 (CPU / mem)", "vs floor (CPU / mem)", "~target (issue 19)", "~result"}, rows)
}

func quickstartTable(r results, names []string) string {
	var rows [][]string
	for _, q := range names {
		a, f := r.med("qs/"+q), r.med("qs/"+q+"/floor")
		c, k := ratios(a, f)
		rows = append(rows, []string{
			fmt.Sprintf("[%s](../examples/quickstart/%s/main.go) vs [floor](../%s/floor/%s/main.go)", q, q, programsDir, q),
			cpu(a), cpu(f), fmt.Sprintf("%.2f×", c),
			mem(a), mem(f), fmt.Sprintf("%.2f×", k),
			wall(a), wall(f),
			fmt.Sprintf("≤ %.2f× the floor", quickstartLimit), verdict(c, k, quickstartLimit),
		})
	}
	return table([]string{"quick start", "CPU", "floor CPU", "CPU ratio", "peak memory", "floor peak", "mem ratio", "wall", "floor wall", "~target (issue 19)", "~result"}, rows)
}

func genTable(r results, env machineInfo) string {
	row := func(label, key string) []string {
		s, g := r.med(key), r.gen[key]
		return []string{label, "`" + strings.Join(g.patterns, " ") + "`", fmt.Sprint(g.packages), fmt.Sprint(g.lines), cpu(s), mem(s), wall(s)}
	}
	var rows [][]string
	h := r.med("gen/head")
	if r.has("gen/base") {
		b := r.med("gen/base")
		rows = append(rows, append(row("base "+env.base+" (before)", "gen/base"), "100% / 100%", "", ""))
		c, k := ratios(h, b)
		rows = append(rows, append(row("this tree "+env.head, "gen/head"), fmt.Sprintf("%.0f%% / %.0f%%", 100*c, 100*k), fmt.Sprintf("≤ %.0f%% of base", 100*genLimit), verdict(c, k, genLimit)))
	} else {
		rows = append(rows, append(row("this tree "+env.head, "gen/head"), "", fmt.Sprintf("≤ %.0f%% of base", 100*genLimit), "not measured (-base empty)"))
	}
	return table([]string{"tree", "~packages built", "packages", "lines", "CPU", "peak memory", "wall", "vs base (CPU / mem)", "~target (issue 19)", "~result"}, rows)
}

// samplesTable lists every run, so the spread behind each median shows.
func samplesTable(r results, keys []string) string {
	var rows [][]string
	for _, k := range keys {
		var c, m, w []string
		for _, s := range r.samples[k] {
			c, m, w = append(c, cpu(s)), append(m, mem(s)), append(w, wall(s))
		}
		rows = append(rows, []string{k, strings.Join(c, ", "), strings.Join(m, ", "), strings.Join(w, ", ")})
	}
	return table([]string{"cell", "CPU per run", "peak memory per run", "wall per run"}, rows)
}

func report(env machineInfo, o options, r results) string {
	var b strings.Builder
	b.WriteString("# Build cost: what a user's program compiles\n\n")
	if env.rounds < o.runs {
		fmt.Fprintf(&b, "> **Partial: %d of %d rounds finished** when this was written.\n\n", env.rounds, o.runs)
	}
	fmt.Fprintf(&b, "Produced by `make build-cost` (`go run ./internal/build/cmd/buildcost`) on %s, %s/%s, %d CPUs (nproc), %s, at commit %s.\n", env.date, runtime.GOOS, runtime.GOARCH, env.cpus, env.goVersion, env.head)
	fmt.Fprintf(&b, "**All figures below come from that one run** (%.0f min): every cell is the median of %d cold build(s), the cells taken in turn round by round so they share the machine's load.\n\n", env.elapsed.Minutes(), env.rounds)
	b.WriteString("How each cell is measured:\n\n")
	b.WriteString("- **Cold build**: `go build` with an empty `GOCACHE` of its own (so the standard library and every dependency compile too), the shared module cache, `GOPROXY=off`. Programs are built with `-o /dev/null` (compile and link); the generated code as packages (compile only).\n")
	b.WriteString("- **CPU** is user+sys time of the go command and every process it waited for (compile, asm, link), from the rusage Linux's `wait4` returns for the go command: it includes the child's reaped descendants (`os.ProcessState.UserTime`/`SystemTime`). CPU depends far less on the machine's load than wall time does.\n")
	b.WriteString("- **Peak memory** is `ru_maxrss` of the same rusage: on Linux the largest resident set of any *single* process in the build's tree, which is a compile: the runtime package's (about 290 MB) for a small program, the largest package's for the generated code. Checked once with a `-toolexec` wrapper recording every tool's own maxrss: the build's figure was the largest compile's, and its CPU was above the tools' sum (the rest is the go command). It is not the sum of compiles that ran at the same time.\n")
	b.WriteString("- **Wall** is elapsed time, noisy on a shared machine; the targets are judged on CPU and peak memory.\n")
	if c, m := spread(r); c > 0 || m > 0 {
		fmt.Fprintf(&b, "  CPU time is not load-free either: in this run the runs of one cell differed by up to %.0f%% in CPU and %.0f%% in peak memory (largest max/min − 1 over the cells), so a ratio within that much of its limit needs a re-run.\n", 100*c, 100*m)
	}
	b.WriteString("\n")
	if r.has("task/mgmtapi") {
		b.WriteString("## The README's Auth0 task\n\n")
		b.WriteString("List the applications, list users with totals, print the counts and the first user's email and `app_metadata.plan`: on mgmtapi, on go-auth0 v1.10.0 and by hand. The go-auth0 v1 and floor programs live in their own module ([testdata/programs](../" + programsDir + ")) so go-auth0 stays out of mgmtapi's go.mod. Target (issue 19): the mgmtapi program costs at most go-auth0 v1's CPU time and peak memory.\n\n")
		b.WriteString(taskTable(r) + "\n")
		if len(r.parts["task/mgmtapi"]) > 0 {
			b.WriteString("### Where the task's build CPU goes\n\n")
			b.WriteString(partsIntro)
			b.WriteString(partsTable(r, []string{"task/mgmtapi", "task/goauth0v1", "task/floor"}, []string{"mgmtapi", "go-auth0 v1", "floor"}) + "\n")
		}
	}
	if len(o.quickstarts) > 0 && r.has("qs/"+o.quickstarts[0]) {
		b.WriteString("## Quick starts against their floor\n\n")
		fmt.Fprintf(&b, "Each floor program makes the quick start's calls (same token request, endpoints, paging and printed fields) by hand with net/http, encoding/json and golang.org/x/oauth2/clientcredentials. Target (issue 19): each quick start at most %.2f× its floor in CPU and peak memory.\n\n", quickstartLimit)
		b.WriteString(quickstartTable(r, o.quickstarts) + "\n")
		var keys, labels []string
		for _, q := range o.quickstarts {
			if len(r.parts["qs/"+q]) > 0 {
				keys, labels = append(keys, "qs/"+q, "qs/"+q+"/floor"), append(labels, q, q+" floor")
			}
		}
		if len(keys) > 0 {
			b.WriteString("### Where the quick starts' build CPU goes\n\n")
			b.WriteString(partsIntro)
			b.WriteString(partsTable(r, keys, labels) + "\n")
		}
	}
	if r.has("gen/head") {
		b.WriteString("## All of the generated code\n\n")
		fmt.Fprintf(&b, "`go build` of every generated package at once, cold, in this tree and in a `git worktree` of the base revision (`-base`, issue 19's \"today\"). The package patterns (`-gen`, default `%s`) are those whose directory exists in each tree, so the table holds across the per-tag split; of the packages they match, only the generated ones (with a `*.gen.go` file) are built and counted, not the hand-written connection packages and test kits beside them. Target (issue 19): at most %.0f%% of the base's CPU time and peak memory.\n\n", defaultGen, 100*genLimit)
		b.WriteString(genTable(r, env) + "\n")
	}
	b.WriteString("## Every run\n\n")
	var keys []string
	keys = append(keys, "task/mgmtapi", "task/goauth0v1", "task/floor")
	for _, q := range o.quickstarts {
		keys = append(keys, "qs/"+q, "qs/"+q+"/floor")
	}
	keys = append(keys, "gen/base", "gen/head")
	var have []string
	for _, k := range keys {
		if r.has(k) {
			have = append(have, k)
		}
	}
	b.WriteString(samplesTable(r, have) + "\n")
	b.WriteString("The earlier table of each generated package against raw oapi-codegen output (issue 2) is no longer produced: it regenerated and built every API's raw output, several CPU minutes that say nothing about issue 19's targets. It is in git history (docs/build-cost.md before this change).\n")
	return b.String()
}

// spread is the largest max/min − 1 of CPU and of peak memory among the
// runs of any one cell: how much the same build varied in this run.
func spread(r results) (cpu, mem float64) {
	for _, ss := range r.samples {
		if len(ss) < 2 {
			continue
		}
		lc, hc, lm, hm := ss[0].CPU, ss[0].CPU, ss[0].PeakKB, ss[0].PeakKB
		for _, s := range ss[1:] {
			lc, hc, lm, hm = min(lc, s.CPU), max(hc, s.CPU), min(lm, s.PeakKB), max(hm, s.PeakKB)
		}
		if lc > 0 {
			cpu = max(cpu, hc.Seconds()/lc.Seconds()-1)
		}
		if lm > 0 {
			mem = max(mem, float64(hm)/float64(lm)-1)
		}
	}
	return cpu, mem
}

// partsIntro says how the parts tables are made.
const partsIntro = "The same cold builds, split by the go command's action graph (`go build -debug-actiongraph`: each compile, asm, cgo and link process's own user+sys time), each package counted in its group: its module, from `go list -deps`, or one of the named groups; the go command's own CPU is the rest of the total. Medians per part over the runs, so the column sums can differ a little from the medians above. A dependency in one column and not another is what that program pays for it.\n\n"
