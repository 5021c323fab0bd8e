// Command buildcost measures what users compile, side by side in one run,
// and writes docs/build-cost.md:
//
//  1. the README's Auth0 task (examples/auth0-task) next to the same task on
//     go-auth0 v1 and a "floor" program making the same calls by hand with
//     net/http, encoding/json and x/oauth2;
//  2. each quick start (examples/quickstart/...) next to its floor program;
//  3. all of the generated packages (-gen patterns), in this tree and in a
//     git worktree of the -base revision.
//
// Every cell is a cold build: `go build` with an empty GOCACHE of its own,
// the shared module cache and no network. Each cell is built -runs times,
// the cells taken in turn round by round so they share the machine's load,
// and the medians of CPU seconds (user+sys of go and its descendants), peak
// memory (the largest single process of the build) and wall time are
// reported, each next to the target of issue 19. For the programs it also
// reports where the CPU went, per module and per kind of mgmtapi package,
// from the go command's action graph (parts.go).
//
//	go run ./internal/build/cmd/buildcost -out docs/build-cost.md
//	go run ./internal/build/cmd/buildcost -only quickstart -quickstarts asgardeo -runs 1 -out /tmp/bc.md
//
// The comparison programs live in testdata/programs, a module of their own
// so go-auth0 v1 stays out of mgmtapi's go.mod. Cold builds are slow (a
// full run is tens of CPU minutes); CI does not run this.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

// programsDir holds the go-auth0 v1 and floor programs, relative to the
// module root.
const programsDir = "internal/build/cmd/buildcost/testdata/programs"

// defaultGen covers gen/ before and after the per-tag split; patterns whose
// directory does not exist in a tree are dropped for that tree.
const defaultGen = "./gen/... ./auth0/... ./umbraco/... ./asgardeo/..."

// options are the command's flags.
type options struct {
	out         string
	runs        int
	only        map[string]bool // sections to measure: task, quickstart, gen
	quickstarts []string
	gen         []string
	base        string
}

func main() {
	var o options
	var only, qs, gen string
	flag.StringVar(&o.out, "out", "docs/build-cost.md", "Markdown file to write")
	flag.IntVar(&o.runs, "runs", 2, "cold builds per cell; the medians are reported")
	flag.StringVar(&only, "only", "task,quickstart,gen", "comma-separated sections to measure (task, quickstart, gen), for a quick subset")
	flag.StringVar(&qs, "quickstarts", "umbraco,auth0,asgardeo", "comma-separated quick starts (examples/quickstart/<name>, floor in testdata/programs/floor/<name>)")
	flag.StringVar(&gen, "gen", defaultGen, "space-separated package patterns that make up the generated code")
	flag.StringVar(&o.base, "base", "a9d1de3", `git revision whose generated code is the "before" (issue 19's baseline); empty skips it`)
	flag.Parse()
	o.only = map[string]bool{}
	for s := range strings.SplitSeq(only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			o.only[s] = true
		}
	}
	for s := range strings.SplitSeq(qs, ",") {
		if s = strings.TrimSpace(s); s != "" {
			o.quickstarts = append(o.quickstarts, s)
		}
	}
	o.gen = strings.Fields(gen)
	if o.runs < 1 {
		fmt.Fprintln(os.Stderr, "buildcost: -runs must be at least 1")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildcost:", err)
		os.Exit(1)
	}
}

// cell is one thing built cold, -runs times.
type cell struct {
	key     string // what the report looks it up by
	dir     string // where go runs
	args    []string
	samples []sample
	program bool                       // a program (task, quick start), not the generated code
	groups  *classifier                // programs only: how to split their CPU
	parts   []map[string]time.Duration // per run, when groups is set
}

func run(ctx context.Context, o options) (err error) {
	root, err := filepath.Abs(".")
	if err != nil {
		return err
	}
	programs := filepath.Join(root, programsDir)
	env := machine(ctx, root, o)
	var cells []*cell
	program := func(key, dir, pkg string) {
		cells = append(cells, &cell{key: key, dir: dir, args: []string{"-o", os.DevNull, pkg}, program: true})
	}
	if o.only["task"] {
		program("task/mgmtapi", root, "./examples/auth0-task")
		program("task/goauth0v1", programs, "./goauth0v1/task")
		program("task/floor", programs, "./floor/task")
	}
	if o.only["quickstart"] {
		for _, q := range o.quickstarts {
			program("qs/"+q, root, "./examples/quickstart/"+q)
			program("qs/"+q+"/floor", programs, "./floor/"+q)
		}
	}
	gens := map[string]genInfo{}
	if o.only["gen"] {
		trees := []struct{ key, dir string }{{"gen/head", root}}
		if o.base != "" {
			dir, remove, err := baseTree(ctx, root, o.base)
			if err != nil {
				return err
			}
			defer func() { err = errors.Join(err, remove()) }()
			trees = append(trees, struct{ key, dir string }{"gen/base", dir})
		}
		for _, t := range trees {
			pats := existingPatterns(t.dir, o.gen)
			if len(pats) == 0 {
				return fmt.Errorf("none of %q exists in %s", o.gen, t.dir)
			}
			info, err := listGen(ctx, t.dir, pats)
			if err != nil {
				return err
			}
			gens[t.key] = info
			cells = append(cells, &cell{key: t.key, dir: t.dir, args: info.imports})
		}
	}
	if len(cells) == 0 {
		return errors.New("nothing to measure: -only names none of task, quickstart, gen")
	}
	// Fetch any missing module once, outside the measurements (they run
	// with GOPROXY=off).
	for _, c := range cells {
		if err := golist(ctx, c.dir, c.args[len(c.args)-1:]); err != nil {
			return err
		}
		if c.program {
			g, err := listGroups(ctx, c.dir, c.args[len(c.args)-1])
			if err != nil {
				return err
			}
			c.groups = &g
		}
	}
	start := time.Now()
	for r := range o.runs {
		for _, c := range cells {
			s, parts, err := coldBuild(ctx, c.dir, c.args, c.groups)
			if err != nil {
				return err
			}
			c.samples = append(c.samples, s)
			if parts != nil {
				c.parts = append(c.parts, parts)
			}
			fmt.Fprintf(os.Stderr, "run %d/%d %-18s cpu %6.1f s  peak %5d MB  wall %6.1f s\n",
				r+1, o.runs, c.key, s.CPU.Seconds(), s.PeakKB/1024, s.Wall.Seconds())
		}
		// Write after every round, so an interrupted long run still leaves
		// the medians of the rounds it finished (the report says how many).
		env.elapsed, env.rounds = time.Since(start), r+1
		res := results{samples: map[string][]sample{}, parts: map[string][]map[string]time.Duration{}, gen: gens}
		for _, c := range cells {
			res.samples[c.key] = c.samples
			res.parts[c.key] = c.parts
		}
		if err := os.WriteFile(o.out, []byte(report(env, o, res)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// genInfo describes the generated code of one tree.
type genInfo struct {
	patterns []string
	imports  []string // the generated packages the patterns match: what is built
	packages int
	lines    int
}

// existingPatterns keeps the patterns whose directory exists under dir.
func existingPatterns(dir string, pats []string) []string {
	var keep []string
	for _, p := range pats {
		d := strings.TrimSuffix(strings.TrimSuffix(p, "..."), "/")
		if st, err := os.Stat(filepath.Join(dir, d)); err == nil && st.IsDir() {
			keep = append(keep, p)
		}
	}
	return keep
}

// listGen finds the generated packages the patterns match (those with a
// *.gen.go file: the hand-written connection packages and test kits under
// the same directories are not generated code) and counts their non-test Go
// lines.
func listGen(ctx context.Context, dir string, pats []string) (genInfo, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"list", "-f", `{{.ImportPath}} {{.Dir}}{{range .GoFiles}} {{.}}{{end}}`}, pats...)...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return genInfo{}, fmt.Errorf("go list %v in %s: %w", pats, dir, err)
	}
	info := genInfo{patterns: pats}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) < 3 || !generated(f[2:]) {
			continue
		}
		info.packages++
		info.imports = append(info.imports, f[0])
		for _, name := range f[2:] {
			b, err := os.ReadFile(filepath.Join(f[1], name))
			if err != nil {
				return genInfo{}, err
			}
			info.lines += strings.Count(string(b), "\n")
		}
	}
	if len(info.imports) == 0 {
		return genInfo{}, fmt.Errorf("no generated package (*.gen.go) in %v in %s", pats, dir)
	}
	return info, nil
}

// golist resolves the packages (downloading missing modules) without
// building them.
func golist(ctx context.Context, dir string, pkgs []string) error {
	cmd := exec.CommandContext(ctx, "go", append([]string{"list", "-deps"}, pkgs...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go list -deps %v in %s: %v\n%s", pkgs, dir, err, out)
	}
	return nil
}

// baseTree checks rev out into a temporary git worktree and returns its
// directory and how to remove it.
func baseTree(ctx context.Context, root, rev string) (string, func() error, error) {
	tmp, err := os.MkdirTemp("", "buildcost-base-")
	if err != nil {
		return "", nil, err
	}
	dir := filepath.Join(tmp, "tree")
	if out, err := exec.CommandContext(ctx, "git", "-C", root, "worktree", "add", "--detach", dir, rev).CombinedOutput(); err != nil {
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("git worktree add %s: %v\n%s", rev, err, out)
	}
	remove := func() error {
		// Not ctx: the worktree goes even after an interrupt.
		out, err := exec.Command("git", "-C", root, "worktree", "remove", "--force", dir).CombinedOutput()
		os.RemoveAll(tmp)
		if err != nil {
			return fmt.Errorf("git worktree remove %s: %v\n%s", dir, err, out)
		}
		return nil
	}
	return dir, remove, nil
}

// machineInfo is what the report says about where and what was measured.
type machineInfo struct {
	date, goVersion, head, base string
	cpus, rounds                int
	elapsed                     time.Duration
}

func machine(ctx context.Context, root string, o options) machineInfo {
	m := machineInfo{date: time.Now().UTC().Format("2006-01-02 15:04 UTC"), cpus: nproc()}
	m.goVersion = cmdOut(ctx, root, "go", "env", "GOVERSION")
	m.head = cmdOut(ctx, root, "git", "rev-parse", "--short", "HEAD")
	if cmdOut(ctx, root, "git", "status", "--porcelain", "--untracked-files=no") != "" {
		m.head += " with uncommitted changes"
	}
	if o.base != "" {
		m.base = cmdOut(ctx, root, "git", "rev-parse", "--short", o.base+"^{commit}")
	}
	return m
}

func cmdOut(ctx context.Context, dir, name string, args ...string) string {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}
