package fleet

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/redisstore"
)

// The replica processes of TestFleetRecoversFromRevokedToken are this test
// binary run again with replicaEnv set: init turns it into one replica
// before any test runs, so no second program has to be built.
const replicaEnv = "MGMTAPI_FLEET_REVOKE_REPLICA"

func init() {
	if os.Getenv(replicaEnv) != "" {
		os.Exit(revokeReplica())
	}
}

// A vendor rotates its signing key: every token it has seen is refused from
// then on. N replica processes, each with its own Source and Redis client
// on one redis-server, share one token; half send through Transport, half
// through RequestEditor and call Invalidate on a 401, as a generated
// client's user would. After each rotation the whole fleet costs at most
// two token requests (one by design), each replica sees exactly one 401,
// and its replayed request succeeds. Counts only, no timings. Before the
// fix, Transport's 401 dropped only the process's copy and the next fetch
// took the same refused token back from Redis: 0 new tokens and every
// replayed request answered 401.
func TestFleetRecoversFromRevokedToken(t *testing.T) {
	const replicas = 6
	r := testenv.RedisTB(t)
	ts := testenv.TokenServerTB(t, testenv.TokenServerOptions{TTL: time.Hour,
		Clients: []testenv.Client{{ID: ClientID, Secret: ClientSecret, AuthMethod: testenv.AuthPost}}})
	v := newRotatingVendor()
	t.Cleanup(v.Close)

	var reps []*replicaProc
	for i := range replicas {
		mode := "transport"
		if i%2 == 1 {
			mode = "editor"
		}
		reps = append(reps, startReplica(t, fmt.Sprintf("replica-%d", i), mode, r.Addr, ts.TokenURL, v.URL))
	}
	tokenRequests := func() int {
		st, err := ts.Stats()
		if err != nil {
			t.Fatal(err)
		}
		return st.TokenRequests
	}
	// round sends one request from each of reps at once and wants 200
	// from each (after its own replay, if any).
	round := func(phase string, reps []*replicaProc) {
		t.Helper()
		got := make([]string, len(reps))
		var wg sync.WaitGroup
		for i, rp := range reps {
			wg.Go(func() { got[i] = rp.get() })
		}
		wg.Wait()
		for i, g := range got {
			if g != "200" {
				t.Errorf("%s: %s (%s) answered %q, want 200\n%s", phase, reps[i].name, reps[i].mode, g, reps[i].stderr.String())
			}
		}
	}

	round("before the rotation", reps)
	if n := tokenRequests(); n != 1 {
		t.Fatalf("%d token requests for %d replicas, want 1 shared token", n, replicas)
	}
	all := reps
	for rot := 1; rot <= 2; rot++ {
		if rot == 2 {
			// Again, with the Transport replicas only: a RequestEditor
			// user cannot report that the replacement token was accepted,
			// so the Source takes a second invalidation of it for "fresh
			// tokens are refused" and backs off first (storm.go).
			reps = nil
			for _, rp := range all {
				if rp.mode == "transport" {
					reps = append(reps, rp)
				}
			}
		}
		replicas := len(reps)
		before := tokenRequests()
		_, unauthBefore := v.counts()
		v.rotate()
		round(fmt.Sprintf("rotation %d", rot), reps)
		fetched := tokenRequests() - before
		_, unauth := v.counts()
		t.Logf("rotation %d: %d token requests for %d replicas, %d answers 401", rot, fetched, replicas, unauth-unauthBefore)
		if fetched < 1 || fetched > 2 {
			t.Errorf("rotation %d: %d token requests, want 1 or 2 for the whole fleet", rot, fetched)
		}
		if n := unauth - unauthBefore; n != replicas {
			t.Errorf("rotation %d: %d answers 401, want %d (one per replica, then served)", rot, n, replicas)
		}
		// Served again: the next request of every replica succeeds with
		// neither a 401 nor a token request.
		_, unauthBefore = v.counts()
		before = tokenRequests()
		round(fmt.Sprintf("after rotation %d", rot), reps)
		if _, unauth := v.counts(); unauth != unauthBefore {
			t.Errorf("after rotation %d: %d more answers 401", rot, unauth-unauthBefore)
		}
		if n := tokenRequests() - before; n != 0 {
			t.Errorf("after rotation %d: %d more token requests", rot, n)
		}
	}
}

// rotatingVendor is the vendor API of the test: it accepts any bearer token
// it has not revoked, and rotate revokes every token it has seen, as a new
// signing key does to the tokens signed with the old one.
type rotatingVendor struct {
	URL string
	srv *httptest.Server

	mu           sync.Mutex
	seen         map[string]bool
	revoked      map[string]bool
	ok, unauthed int
}

func newRotatingVendor() *rotatingVendor {
	v := &rotatingVendor{seen: map[string]bool{}, revoked: map[string]bool{}}
	v.srv = httptest.NewServer(http.HandlerFunc(v.serve)) // 127.0.0.1
	v.URL = v.srv.URL
	return v
}

func (v *rotatingVendor) Close() { v.srv.Close() }

func (v *rotatingVendor) serve(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	v.mu.Lock()
	refused := !ok || tok == "" || v.revoked[tok]
	if refused {
		v.unauthed++
	} else {
		v.seen[tok] = true
		v.ok++
	}
	v.mu.Unlock()
	if refused {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"users":[]}`))
}

func (v *rotatingVendor) rotate() {
	v.mu.Lock()
	defer v.mu.Unlock()
	for tok := range v.seen {
		v.revoked[tok] = true
	}
	clear(v.seen)
}

func (v *rotatingVendor) counts() (ok, unauthorized int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.ok, v.unauthed
}

// replicaProc is one replica process, driven line by line: "get" on its
// stdin makes it send one API request, and it answers with the final status.
type replicaProc struct {
	name, mode string
	cmd        *exec.Cmd
	in         io.WriteCloser
	out        *bufio.Scanner
	stderr     *syncBuf
}

func startReplica(t *testing.T, name, mode, redisAddr, tokenURL, vendorURL string) *replicaProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		replicaEnv+"="+mode,
		"REPLICA_NAME="+name,
		"REPLICA_REDIS="+redisAddr,
		"REPLICA_TOKEN_URL="+tokenURL,
		"REPLICA_VENDOR_URL="+vendorURL)
	rp := &replicaProc{name: name, mode: mode, cmd: cmd, stderr: &syncBuf{}}
	cmd.Stderr = rp.stderr
	var err error
	if rp.in, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	rp.out = bufio.NewScanner(stdout)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = rp.in.Close()
		_ = cmd.Process.Kill() // by PID; the replica holds nothing to flush
		_ = cmd.Wait()
	})
	return rp
}

// get asks the replica for one request and returns its answer line.
func (rp *replicaProc) get() string {
	if _, err := io.WriteString(rp.in, "get\n"); err != nil {
		return "write: " + err.Error()
	}
	if !rp.out.Scan() {
		return fmt.Sprintf("replica exited (%v)", rp.out.Err())
	}
	return rp.out.Text()
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// revokeReplica is the replica process: its own Source with the shared
// cache on its own Redis client, answering "get" lines. It returns the exit
// code.
func revokeReplica() int {
	mode := os.Getenv(replicaEnv)
	rdb := redisstore.NewClient(os.Getenv("REPLICA_REDIS"))
	defer rdb.Close()
	// A generous call timeout: a busy test machine must not turn a slow
	// Redis call into a (correct, but here unwanted) fetch of its own.
	st := redisstore.New(rdb, redisstore.WithCallTimeout(5*time.Second))
	cfg := auth.Config{TokenURL: os.Getenv("REPLICA_TOKEN_URL"), ClientID: ClientID, ClientSecret: ClientSecret, AuthStyle: auth.AuthBody}
	src, err := auth.New(cfg, auth.WithSharedCache(auth.SharedCache{Store: st,
		Keys: [][]byte{bytes.Repeat([]byte{9}, 32)}, Replica: os.Getenv("REPLICA_NAME")}))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer src.Close()
	url := os.Getenv("REPLICA_VENDOR_URL") + "/api/v2/users"
	hc := &http.Client{Transport: src.Transport(nil)}
	editor := src.RequestEditor()
	plain := &http.Client{}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() != "get" {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		var status int
		var err error
		if mode == "editor" {
			status, err = editorGet(ctx, plain, editor, src, url)
		} else {
			status, err = send(ctx, hc, url, nil)
		}
		cancel()
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(strconv.Itoa(status))
	}
	return 0
}

// editorGet is what a user of RequestEditor does: on 401, Invalidate the
// token that was sent and send once more.
func editorGet(ctx context.Context, hc *http.Client, editor func(context.Context, *http.Request) error, src *auth.Source, url string) (int, error) {
	var sent string
	status, err := send(ctx, hc, url, func(req *http.Request) error {
		if err := editor(ctx, req); err != nil {
			return err
		}
		sent, _ = strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
		return nil
	})
	if err != nil || status != http.StatusUnauthorized {
		return status, err
	}
	src.Invalidate(sent)
	return send(ctx, hc, url, func(req *http.Request) error { return editor(ctx, req) })
}

func send(ctx context.Context, hc *http.Client, url string, edit func(*http.Request) error) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	if edit != nil {
		if err := edit(req); err != nil {
			return 0, err
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}
