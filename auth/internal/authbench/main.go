// Command authbench compares this module's auth.Source with
// golang.org/x/oauth2 (clientcredentials + ReuseTokenSource / Transport)
// against the same local token endpoint and prints one Markdown table:
//
//   - the cached path: ns/op (wall), CPU ns/op (process CPU time, all
//     threads) and allocs/op to put a cached token on a request
//     (testing.Benchmark), alone and with 4 parallel callers per CPU; x/oauth2
//     rows with SetAuthHeader do what the request editor does, the others
//     only return the token;
//   - with a slow endpoint (default 200 ms) and few-second tokens, 100
//     concurrent callers looping over several refresh cycles: how long a
//     caller waits for a token (p50, p99, p99.9, max), how many waits exceed
//     100 ms, and the endpoint requests per refresh cycle.
//
// Run it with "make bench-auth"; docs/benchmarks.md has a recorded table.
// Every server it starts listens on 127.0.0.1 and stops when it ends.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/mgmtapi/mgmtapi/auth"
)

type params struct {
	duration  time.Duration // per implementation in the latency run
	delay     time.Duration // token endpoint latency
	lifetime  time.Duration // token lifetime (expires_in)
	early     time.Duration // x/oauth2 ReuseTokenSourceWithExpiry window
	callers   int
	pace      time.Duration // pause between a caller's calls
	benchtime string
}

func main() {
	var p params
	flag.DurationVar(&p.duration, "duration", 10*time.Second, "latency run length per implementation")
	flag.DurationVar(&p.delay, "delay", 200*time.Millisecond, "token endpoint latency")
	flag.DurationVar(&p.lifetime, "lifetime", 4*time.Second, "token lifetime (whole seconds)")
	flag.DurationVar(&p.early, "early", time.Second, "x/oauth2 ReuseTokenSourceWithExpiry early-expiry window")
	flag.IntVar(&p.callers, "callers", 100, "concurrent callers")
	flag.DurationVar(&p.pace, "pace", time.Millisecond, "pause between one caller's calls")
	flag.StringVar(&p.benchtime, "benchtime", "500ms", "cached-path benchmark time per row")
	testing.Init()
	flag.Parse()
	if err := flag.Set("test.benchtime", p.benchtime); err != nil {
		fatal(err)
	}
	if p.lifetime < time.Second || p.early >= p.lifetime {
		fatal(fmt.Errorf("need lifetime >= 1s and early < lifetime"))
	}

	fmt.Printf("Go %s, %s/%s, %d CPUs; endpoint latency %s, token lifetime %s, %d callers, %s per latency run\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), p.delay, p.lifetime, p.callers, p.duration)

	cached := cachedPath()
	lat := []latencyResult{
		runLatency(p, "mgmtapi auth.Source RequestEditor", p.callers, p.duration, oursEditor),
		runLatency(p, fmt.Sprintf("x/oauth2 ReuseTokenSourceWithExpiry(%s)", p.early), p.callers, p.duration, xoauthReuse(p.early)),
		// The default early-expiry window (10 s) exceeds a few-second
		// lifetime, so every call fetches while holding the mutex: callers
		// queue for callers × delay. A short run with 10 callers shows it
		// without taking minutes.
		runLatency(p, "x/oauth2 clientcredentials TokenSource (default 10-s window), 10 callers", 10, time.Second, xoauthDefault),
	}

	fmt.Println("### 1. Cached path (token already cached; canned base transport for the Transport rows)")
	fmt.Println()
	fmt.Println("| implementation | ns/op | CPU ns/op | allocs/op | B/op |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, c := range cached {
		cpu := "–"
		if c.cpuNs > 0 {
			cpu = fmt.Sprintf("%.0f", c.cpuNs)
		}
		fmt.Printf("| %s | %.0f | %s | %d | %d |\n", c.name, c.ns, cpu, c.allocs, c.bytes)
	}
	fmt.Println()
	fmt.Printf("### 2–3. Waiting for a token: %d callers, %s endpoint, %s tokens\n\n", p.callers, p.delay, p.lifetime)
	fmt.Println("| implementation | run | calls | p50 | p99 | p99.9 | max | waits > 100 ms | errors | endpoint requests | tokens served | requests per refresh cycle |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range lat {
		fmt.Printf("| %s | %s | %d | %s | %s | %s | %s | %d | %d | %d | %d | %.2f |\n",
			r.name, r.run, r.calls, fmtDur(r.p50), fmtDur(r.p99), fmtDur(r.p999), fmtDur(r.max),
			r.over100ms, r.errors, r.requests, r.tokens, float64(r.requests)/float64(max(r.tokens, 1)))
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "authbench:", err)
	os.Exit(1)
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return strconv.FormatInt(int64(d), 10) + " ns"
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f µs", float64(d)/1e3)
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
}

// tokenServer is a local token endpoint with a fixed latency that issues
// numbered tokens and counts requests.
type tokenServer struct {
	url      string
	requests atomic.Int64
	srv      *http.Server
	done     chan struct{}
}

func startTokenServer(delay, lifetime time.Duration) *tokenServer {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	ts := &tokenServer{url: "http://" + l.Addr().String() + "/oauth/token", done: make(chan struct{})}
	ts.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := ts.requests.Add(1)
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		time.Sleep(delay)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": "token-" + strconv.FormatInt(n, 10),
			"token_type":   "Bearer",
			"expires_in":   int(lifetime / time.Second),
		})
	})}
	go func() {
		defer close(ts.done)
		_ = ts.srv.Serve(l)
	}()
	return ts
}

func (ts *tokenServer) close() {
	_ = ts.srv.Close()
	<-ts.done
}

const (
	clientID     = "bench-client"
	clientSecret = "bench-secret"
)

// An implementation returns the function that puts a token on a request and
// a cleanup.
type implementation func(tokenURL string) (func(context.Context, *http.Request) error, func())

func oursEditor(tokenURL string) (func(context.Context, *http.Request) error, func()) {
	src, err := auth.New(auth.Config{TokenURL: tokenURL, ClientID: clientID, ClientSecret: clientSecret})
	if err != nil {
		fatal(err)
	}
	return src.RequestEditor(), func() { src.Close() }
}

func ccConfig(tokenURL string) *clientcredentials.Config {
	return &clientcredentials.Config{ClientID: clientID, ClientSecret: clientSecret, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInHeader}
}

func tokenSourceEditor(ts oauth2.TokenSource) func(context.Context, *http.Request) error {
	return func(_ context.Context, req *http.Request) error {
		t, err := ts.Token()
		if err != nil {
			return err
		}
		t.SetAuthHeader(req)
		return nil
	}
}

func xoauthReuse(early time.Duration) implementation {
	return func(tokenURL string) (func(context.Context, *http.Request) error, func()) {
		ts := oauth2.ReuseTokenSourceWithExpiry(nil, ccConfig(tokenURL).TokenSource(context.Background()), early)
		return tokenSourceEditor(ts), func() {}
	}
}

func xoauthDefault(tokenURL string) (func(context.Context, *http.Request) error, func()) {
	return tokenSourceEditor(ccConfig(tokenURL).TokenSource(context.Background())), func() {}
}

type latencyResult struct {
	name                     string
	run                      time.Duration
	calls, over100ms, errors int
	p50, p99, p999, max      time.Duration
	requests, tokens         int64
}

// runLatency warms the cache with one token, then lets p.callers goroutines
// call get for d and records how long each call took.
func runLatency(p params, name string, callers int, d time.Duration, impl implementation) latencyResult {
	srv := startTokenServer(p.delay, p.lifetime)
	defer srv.close()
	get, cleanup := impl(srv.url)
	warm, _ := http.NewRequest(http.MethodGet, "http://api.invalid/", nil)
	if err := get(context.Background(), warm); err != nil {
		fatal(fmt.Errorf("%s: warm-up: %w", name, err))
	}

	var mu sync.Mutex
	var all []time.Duration
	tokens := map[string]struct{}{warm.Header.Get("Authorization"): {}}
	errs := 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, "http://api.invalid/", nil)
			samples := make([]time.Duration, 0, int(d/p.pace)+16)
			seen := map[string]struct{}{}
			nerr := 0
			for time.Now().Before(deadline) {
				t0 := time.Now()
				err := get(context.Background(), req)
				samples = append(samples, time.Since(t0))
				if err != nil {
					nerr++
				} else {
					seen[req.Header.Get("Authorization")] = struct{}{}
				}
				time.Sleep(p.pace)
			}
			mu.Lock()
			all = append(all, samples...)
			for k := range seen {
				tokens[k] = struct{}{}
			}
			errs += nerr
			mu.Unlock()
		})
	}
	wg.Wait()
	// A refresh may still be in flight at the deadline: give it the
	// endpoint's latency to finish, then collect the token it fetched with
	// one more call, so that "tokens served" counts every token the
	// endpoint issued to a cache.
	time.Sleep(p.delay + 100*time.Millisecond)
	last, _ := http.NewRequest(http.MethodGet, "http://api.invalid/", nil)
	if err := get(context.Background(), last); err == nil {
		tokens[last.Header.Get("Authorization")] = struct{}{}
	}
	cleanup()
	slices.Sort(all)
	pct := func(q float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(q*float64(len(all))))]
	}
	over := len(all) - sortSearch(all, 100*time.Millisecond)
	return latencyResult{
		name: name, run: d, calls: len(all), over100ms: over, errors: errs,
		p50: pct(0.50), p99: pct(0.99), p999: pct(0.999), max: all[len(all)-1],
		requests: srv.requests.Load(), tokens: int64(len(tokens)),
	}
}

// sortSearch returns the index of the first sample > limit.
func sortSearch(s []time.Duration, limit time.Duration) int {
	i, _ := slices.BinarySearchFunc(s, limit, func(a, b time.Duration) int {
		if a <= b {
			return -1
		}
		return 1
	})
	return i
}

type cachedResult struct {
	name          string
	ns            float64
	cpuNs         float64 // process CPU time per op; 0 when not reported
	allocs, bytes int64
}

// cannedRT answers every request with the same response, so that a
// Transport row measures only the token-injection overhead.
type cannedRT struct{ resp *http.Response }

func (c cannedRT) RoundTrip(*http.Request) (*http.Response, error) { return c.resp, nil }

func cachedPath() []cachedResult {
	srv := startTokenServer(0, time.Hour)
	defer srv.close()
	canned := cannedRT{resp: &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}}

	src, err := auth.New(auth.Config{TokenURL: srv.url, ClientID: clientID, ClientSecret: clientSecret})
	if err != nil {
		fatal(err)
	}
	defer src.Close()
	editor := src.RequestEditor()
	ourRT := src.Transport(canned)
	reuse := oauth2.ReuseTokenSource(nil, ccConfig(srv.url).TokenSource(context.Background()))
	theirRT := &oauth2.Transport{Source: reuse, Base: canned}
	ctx := context.Background()

	req, _ := http.NewRequest(http.MethodGet, "http://api.invalid/v1/users", nil)
	req.Header.Set("Accept", "application/json")
	// Warm both caches.
	if err := editor(ctx, req.Clone(ctx)); err != nil {
		fatal(err)
	}
	if _, err := reuse.Token(); err != nil {
		fatal(err)
	}

	rows := []struct {
		name string
		fn   func(b *testing.B)
	}{
		{"canned base transport alone (baseline)", func(b *testing.B) {
			for b.Loop() {
				_, _ = canned.RoundTrip(req)
			}
		}},
		{"**mgmtapi auth.Source RequestEditor** (sets the header)", func(b *testing.B) {
			r := req.Clone(ctx)
			for b.Loop() {
				_ = editor(ctx, r)
			}
		}},
		{"mgmtapi auth.Source.Token (returns a copy)", func(b *testing.B) {
			for b.Loop() {
				_, _ = src.Token(ctx)
			}
		}},
		{"x/oauth2 ReuseTokenSource.Token", func(b *testing.B) {
			for b.Loop() {
				_, _ = reuse.Token()
			}
		}},
		{"x/oauth2 ReuseTokenSource.Token + SetAuthHeader (sets the header)", func(b *testing.B) {
			r := req.Clone(ctx)
			for b.Loop() {
				t, _ := reuse.Token()
				t.SetAuthHeader(r)
			}
		}},
		{"mgmtapi auth.Source.Transport + canned base", func(b *testing.B) {
			for b.Loop() {
				_, _ = ourRT.RoundTrip(req)
			}
		}},
		{"x/oauth2 oauth2.Transport + canned base", func(b *testing.B) {
			for b.Loop() {
				_, _ = theirRT.RoundTrip(req)
			}
		}},
		{"mgmtapi RequestEditor, 4× parallel callers", func(b *testing.B) {
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				r := req.Clone(ctx)
				for pb.Next() {
					_ = editor(ctx, r)
				}
			})
		}},
		{"x/oauth2 ReuseTokenSource.Token, 4× parallel callers", func(b *testing.B) {
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					_, _ = reuse.Token()
				}
			})
		}},
		{"x/oauth2 ReuseTokenSource.Token + SetAuthHeader, 4× parallel callers", func(b *testing.B) {
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				r := req.Clone(ctx)
				for pb.Next() {
					t, _ := reuse.Token()
					t.SetAuthHeader(r)
				}
			})
		}},
		{"mgmtapi auth.Source.Transport + canned base, 4× parallel callers", func(b *testing.B) {
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					_, _ = ourRT.RoundTrip(req)
				}
			})
		}},
		{"x/oauth2 oauth2.Transport + canned base, 4× parallel callers", func(b *testing.B) {
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					_, _ = theirRT.RoundTrip(req)
				}
			})
		}},
	}
	out := make([]cachedResult, 0, len(rows))
	for _, r := range rows {
		// The CPU time of the last call, the one whose b.N the result
		// reports. It counts every thread of the process (the garbage
		// collector included) and, unlike wall time, not the time other
		// processes hold the CPUs.
		var cpu time.Duration
		var cpuOK bool
		res := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			t0, ok0 := processCPU()
			r.fn(b)
			t1, ok1 := processCPU()
			cpu, cpuOK = t1-t0, ok0 && ok1
		})
		c := cachedResult{name: r.name, ns: float64(res.T.Nanoseconds()) / float64(max(res.N, 1)), allocs: res.AllocsPerOp(), bytes: res.AllocedBytesPerOp()}
		if cpuOK {
			c.cpuNs = float64(cpu.Nanoseconds()) / float64(max(res.N, 1))
		}
		out = append(out, c)
	}
	if n := srv.requests.Load(); n != 2 {
		fatal(fmt.Errorf("cached-path run made %d token requests, want 2 (one per implementation)", n))
	}
	return out
}
