// Command benchfleet runs the fleet harness (internal/tests/fleet) and prints one
// Markdown report: per-process (auth + retry, as without this feature) and
// Redis-shared (shared token with lease, GCRA budget) side by side for
// N = 1, 5 and 20 replicas in one run, then a run in which Redis is
// SIGKILLed mid-way and restarted empty, and one in which the lease holder
// dies right after taking the lease. Everything it starts listens on
// 127.0.0.1 and is stopped by PID when it ends.
//
// Run it with "make bench-fleet"; docs/fleet.md holds a recorded report.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/tests/fleet"
)

func main() {
	ttl := flag.Duration("ttl", 3*time.Second, "token lifetime (whole seconds)")
	limit := flag.Int("limit", 1000, "vendor limit, requests per second")
	dur := flag.Duration("duration", 8*time.Second, "length of each run")
	out := flag.String("out", "", "also write the report to this file")
	only := flag.String("only", "", `run one part: "table", "kill" or "lease" (default all)`)
	flag.Parse()
	if err := run(*ttl, *limit, *dur, *out, *only); err != nil {
		fmt.Fprintln(os.Stderr, "benchfleet:", err)
		os.Exit(1)
	}
}

func run(ttl time.Duration, limit int, dur time.Duration, outFile, only string) error {
	env, err := fleet.StartEnv(ttl, limit)
	if err != nil {
		return err
	}
	defer env.Close()
	ctx := context.Background()
	var b strings.Builder
	w := io.MultiWriter(os.Stdout, &b)

	fmt.Fprintf(w, "Runs of %s, vendor limit %d req/s (token bucket of %d, Auth0-style headers), %s tokens, shared budget at 97 %% of the limit in bursts of %d, 32/N callers per replica (at least 4), GOMAXPROCS %d, %s.\n\n",
		dur, limit, max(limit/10, 1), ttl, max(limit/20, 1), runtime.GOMAXPROCS(0), time.Now().UTC().Format("2006-01-02"))
	part := func(name string) bool { return only == "" || only == name }
	if part("table") {
		fmt.Fprintln(w, "| N | mode | token requests | per token lifetime | 429s | wasted attempts | failed | throughput (share of limit) | slowest token call | slowest Redis call |")
		fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, n := range []int{1, 5, 20} {
			for _, shared := range []bool{false, true} {
				r, err := env.Run(ctx, fleet.Scenario{Replicas: n, Duration: dur, Shared: shared})
				if err != nil {
					return err
				}
				row(w, r)
			}
		}
	}
	if part("kill") {

		fmt.Fprintf(w, "\n**Redis SIGKILLed** %s into the run, restarted empty 1 s later (N = 20, shared):\n", dur*4/10)
		fmt.Fprintln(w)
		r, err := env.Run(ctx, fleet.Scenario{Replicas: 20, Duration: dur, Shared: true, KillRedisAt: dur * 4 / 10, RedisDownFor: time.Second})
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "| token requests | 429s in all | 429s after Redis was back | failed | throughput (share of limit) | slowest Redis call | failed Redis calls | slowest token call |")
		fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|")
		fmt.Fprintf(w, "| %d | %d | %d | %d | %.0f %% | %s | %d | %s |\n", r.TokenRequests, r.Limited, r.LimitedAfterRecovery, r.Failed,
			100*r.ShareOfLimit(), ms(r.SlowestRedis), r.RedisErrors, ms(r.SlowestToken))
	}
	if part("lease") {

		const leaseTTL = time.Second
		fmt.Fprintf(w, "\n**Lease holder dies** right after taking the lease (lease TTL %s, N = 20, shared, no token cached yet, 1,000 requests):\n\n", leaseTTL)
		r, err := env.Run(ctx, fleet.Scenario{Replicas: 20, Requests: 1000, Shared: true, LeaseHolderDies: true, LeaseTTL: leaseTTL})
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "| token requests (vendor calls) | every replica served after | slowest token call | 429s | failed | failed Redis calls |")
		fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|")
		fmt.Fprintf(w, "| %d | %s | %s | %d | %d | %d |\n", r.TokenRequests, ms(r.ServedAgainAfter), ms(r.SlowestToken), r.Limited, r.Failed, r.RedisErrors)
	}

	if outFile != "" {
		return writeDoc(outFile, b.String())
	}
	return nil
}

func row(w io.Writer, r fleet.Result) {
	mode := "per-process"
	if r.Shared {
		mode = "Redis-shared"
	}
	redis := "—"
	if r.Shared {
		redis = ms(r.SlowestRedis)
	}
	fmt.Fprintf(w, "| %d | %s | %d | %.2f | %d | %d | %d | %.0f %% | %s | %s |\n", r.Replicas, mode, r.TokenRequests, r.TokensPerLifetime(),
		r.Limited, r.Wasted, r.Failed, 100*r.ShareOfLimit(), ms(r.SlowestToken), redis)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

const begin, end = "<!-- bench-fleet:begin -->", "<!-- bench-fleet:end -->"

// writeDoc replaces the report between the markers of file, or writes the
// report alone if the file has none.
func writeDoc(file, report string) error {
	old, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	s := string(old)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		return os.WriteFile(file, []byte(begin+"\n"+report+end+"\n"), 0o644)
	}
	return os.WriteFile(file, []byte(s[:i+len(begin)]+"\n"+report+s[j:]), 0o644)
}
