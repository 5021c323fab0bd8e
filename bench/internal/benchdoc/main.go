// Command benchdoc turns the output of make bench-decode's go test run
// into the "Decoding" and "Per request" tables of docs/benchmarks.md: the
// median of each benchmark's runs (-count), written between the markers
// <!-- bench-decode:begin --> and <!-- bench-decode:end -->.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

const (
	begin = "<!-- bench-decode:begin -->"
	end   = "<!-- bench-decode:end -->"
)

// result is one benchmark's runs.
type result struct {
	ns, cpu, bytes, allocs []float64
}

func main() {
	in := flag.String("in", "", "go test -bench output")
	doc := flag.String("doc", "", "markdown file to update between the markers")
	flag.Parse()
	if err := run(*in, *doc); err != nil {
		fmt.Fprintln(os.Stderr, "benchdoc:", err)
		os.Exit(1)
	}
}

func run(in, doc string) error {
	out, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	results, header := parse(out)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n<!-- written by make bench-decode (bench/internal/benchdoc); do not edit by hand -->\n\n", begin)
	fmt.Fprintf(&b, "%s; medians of %d runs (`-count`), one `go test` run for all rows.\n\n", header, runs(results))
	b.WriteString("### Decoding a 100-user page\n\n")
	b.WriteString("| page | client | µs/op (wall) | cpu µs/op | KiB/op | allocs/op | CPU vs ogen | bytes vs go-auth0 v1 |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, page := range []struct{ prefix, label string }{{"", "100 users"}, {"undeclared/", "100 users + 1 undeclared member each"}} {
		ogen := results["BenchmarkDecodeUsersPageOgen/"+page.prefix+"ogen"]
		v1 := results["BenchmarkDecodeUsersPage/"+page.prefix+"go-auth0-v1"]
		for _, c := range []struct{ name, label string }{
			{"BenchmarkDecodeUsersPage/" + page.prefix + "mgmtapi", "**mgmtapi front door**"},
			{"BenchmarkDecodeUsersPage/" + page.prefix + "mgmtapi-raw", "mgmtapi generated client (Parse + As…)"},
			{"BenchmarkDecodeUsersPage/" + page.prefix + "go-auth0-v1", "go-auth0 v1.10.0"},
			{"BenchmarkDecodeUsersPageOgen/" + page.prefix + "ogen", "ogen v1.25.0"},
		} {
			r, ok := results[c.name]
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | %.0f | %.0f | %.0f | %.0f | %s | %s |\n", page.label, c.label,
				median(r.ns)/1e3, median(r.cpu)/1e3, median(r.bytes)/1024, median(r.allocs), ratio(r.cpu, ogen, cpuOf), ratio(r.bytes, v1, bytesOf))
		}
	}
	b.WriteString("\n### Per request: GET /users with totals over an in-process transport, token cached\n\n")
	b.WriteString("| page | client | µs/op (wall) | cpu µs/op | B/op | allocs/op | CPU vs ogen |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, page := range []struct{ name, label string }{{"empty", "empty"}, {"1user", "1 user"}} {
		ogen := results["BenchmarkGetUsers/"+page.name+"/ogen"]
		for _, c := range []struct{ name, label string }{
			{"mgmtapi", "**mgmtapi front door** (`GetUsersWithTotals`, auth + retry)"},
			{"go-auth0-v1", "go-auth0 v1.10.0 (`User.List`)"},
			{"ogen", "ogen v1.25.0 (`GetUsers`)"},
		} {
			r, ok := results["BenchmarkGetUsers/"+page.name+"/"+c.name]
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | %.1f | %.1f | %.0f | %.0f | %s |\n", page.label, c.label, median(r.ns)/1e3, median(r.cpu)/1e3, median(r.bytes), median(r.allocs), ratio(r.cpu, ogen, cpuOf))
		}
	}
	b.WriteString("\n" + end)

	text, err := os.ReadFile(doc)
	if err != nil {
		return err
	}
	i, j := bytes.Index(text, []byte(begin)), bytes.Index(text, []byte(end))
	if i < 0 || j < i {
		return errors.New(doc + ": no " + begin + " … " + end + " section")
	}
	updated := slices.Concat(text[:i], []byte(b.String()), text[j+len(end):])
	return os.WriteFile(doc, updated, 0o644)
}

// parse reads benchmark lines ("BenchmarkX/y-2  N  123 ns/op  …") and the
// cpu line of the header.
func parse(out []byte) (map[string]*result, string) {
	results := map[string]*result{}
	cpu := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if c, ok := strings.CutPrefix(line, "cpu: "); ok {
			cpu = strings.TrimSpace(c)
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			name = name[:i]
		}
		r := results[name]
		if r == nil {
			r = &result{}
			results[name] = r
		}
		for k := 2; k+1 < len(f); k += 2 {
			v, err := strconv.ParseFloat(f[k], 64)
			if err != nil {
				continue
			}
			switch f[k+1] {
			case "ns/op":
				r.ns = append(r.ns, v)
			case "cpu-ns/op":
				r.cpu = append(r.cpu, v)
			case "B/op":
				r.bytes = append(r.bytes, v)
			case "allocs/op":
				r.allocs = append(r.allocs, v)
			}
		}
	}
	header := fmt.Sprintf("%s, %s/%s, %d CPUs (%s), a loaded shared machine",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu)
	return results, header
}

func runs(results map[string]*result) int {
	n := 0
	for _, r := range results {
		n = max(n, len(r.ns))
	}
	return n
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratio is median(v) over the median of the reference's field, "—" without
// a reference.
func ratio(v []float64, ref *result, field func(*result) []float64) string {
	if ref == nil || median(field(ref)) == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", median(v)/median(field(ref)))
}

func cpuOf(r *result) []float64   { return r.cpu }
func bytesOf(r *result) []float64 { return r.bytes }
