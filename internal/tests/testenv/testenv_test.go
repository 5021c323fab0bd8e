package testenv

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// noKeepAlive keeps the tests free of idle connection goroutines.
var noKeepAlive = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}

func TestFreePort(t *testing.T) {
	p, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	if p <= 0 || p > 65535 {
		t.Fatalf("port %d out of range", p)
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", itoa(p)))
	if err != nil {
		t.Fatalf("port %d not free: %v", p, err)
	}
	l.Close()
}

func itoa(i int) string { return strconv.Itoa(i) }

type tokenResp struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	Error       string `json:"error"`
}

func post(t *testing.T, req *http.Request) (int, tokenResp) {
	t.Helper()
	resp, err := noKeepAlive.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr tokenResp
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatalf("status %d, body not JSON (%d bytes)", resp.StatusCode, len(b))
	}
	return resp.StatusCode, tr
}

func formReq(t *testing.T, u string, v url.Values) *http.Request {
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func TestTokenServer(t *testing.T) {
	t.Parallel()
	clients := DefaultClients()
	basic, postc := clients[0], clients[1]
	s := TokenServerTB(t, TokenServerOptions{
		TokenPath: "/t/acme/oauth2/token",
		TTL:       7 * time.Second,
		Scopes:    []string{"read", "write"},
	})
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || s.TokenURL != s.URL+"/t/acme/oauth2/token" {
		t.Fatalf("URL %q TokenURL %q", s.URL, s.TokenURL)
	}

	tests := []struct {
		name       string
		req        func() *http.Request
		wantStatus int
		wantError  string
		wantScope  string
	}{
		{"basic", func() *http.Request {
			r := formReq(t, s.TokenURL, url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}})
			r.SetBasicAuth(basic.ID, basic.Secret)
			return r
		}, 200, "", "read"},
		{"post", func() *http.Request {
			return formReq(t, s.TokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {postc.ID}, "client_secret": {postc.Secret}})
		}, 200, "", ""},
		{"wrong secret", func() *http.Request {
			r := formReq(t, s.TokenURL, url.Values{"grant_type": {"client_credentials"}})
			r.SetBasicAuth(basic.ID, "not-the-secret")
			return r
		}, 401, "invalid_client", ""},
		{"basic client using post", func() *http.Request {
			return formReq(t, s.TokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {basic.ID}, "client_secret": {basic.Secret}})
		}, 401, "invalid_client", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, tr := post(t, tt.req())
			if status != tt.wantStatus || tr.Error != tt.wantError {
				t.Fatalf("got %d %q, want %d %q", status, tr.Error, tt.wantStatus, tt.wantError)
			}
			if status == 200 {
				if tr.AccessToken == "" || !strings.EqualFold(tr.TokenType, "bearer") || tr.ExpiresIn != 7 || tr.Scope != tt.wantScope {
					t.Fatalf("token type %q expires_in %d scope %q, empty token %v", tr.TokenType, tr.ExpiresIn, tr.Scope, tr.AccessToken == "")
				}
			}
		})
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st != (TokenStats{TokenRequests: 4, TokensIssued: 2}) {
		t.Fatalf("stats %+v", st)
	}

	pid := s.PID()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	assertGone(t, pid, s.URL)
}

func TestTokenServerAuth0Mapping(t *testing.T) {
	t.Parallel()
	const aud = "https://tenant.example.com/api/v2/"
	c := DefaultClients()[1]
	s := TokenServerTB(t, TokenServerOptions{
		TokenPath:   "/oauth/token",
		TTL:         60 * time.Second,
		Resources:   map[string]Resource{aud: {TTL: 3 * time.Second}},
		MapAudience: true,
	})
	tests := []struct {
		name        string
		body        map[string]string
		wantStatus  int
		wantExpires int
	}{
		{"json with audience", map[string]string{"grant_type": "client_credentials", "client_id": c.ID, "client_secret": c.Secret, "audience": aud}, 200, 3},
		{"json without audience", map[string]string{"grant_type": "client_credentials", "client_id": c.ID, "client_secret": c.Secret}, 200, 60},
		{"unknown audience", map[string]string{"grant_type": "client_credentials", "client_id": c.ID, "client_secret": c.Secret, "audience": "https://other.example/"}, 400, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(tt.body)
			req, _ := http.NewRequest(http.MethodPost, s.TokenURL, strings.NewReader(string(b)))
			req.Header.Set("Content-Type", "application/json")
			status, tr := post(t, req)
			if status != tt.wantStatus || tr.ExpiresIn != tt.wantExpires {
				t.Fatalf("got %d expires_in %d (error %q), want %d %d", status, tr.ExpiresIn, tr.Error, tt.wantStatus, tt.wantExpires)
			}
		})
	}
}

func TestTokenServerBadOptions(t *testing.T) {
	t.Parallel()
	for _, opts := range []TokenServerOptions{
		{TokenPath: "token"},
		{Clients: []Client{{ID: "x", Secret: "y", AuthMethod: "private_key_jwt"}}},
	} {
		if s, err := StartTokenServer(opts); err == nil {
			s.Close()
			t.Errorf("StartTokenServer(%+v) succeeded", opts)
		}
	}
}

func TestPrism(t *testing.T) {
	t.Parallel()
	p := PrismTB(t, "testdata/prism-test.yaml")
	tests := []struct {
		path       string
		wantStatus int
		wantBody   string
	}{
		{"/things/7", 200, `"name":"seven"`},
		{"/things/not-a-number", 422, ""},
		{"/nothing-here", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := noKeepAlive.Get(p.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus || !strings.Contains(string(b), tt.wantBody) {
				t.Fatalf("GET %s: %d %s", tt.path, resp.StatusCode, b)
			}
		})
	}
	pid := p.PID()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	assertGone(t, pid, p.URL)
}

func TestPrismMissingSpec(t *testing.T) {
	t.Parallel()
	if p, err := StartPrism("testdata/does-not-exist.yaml"); err == nil {
		p.Close()
		t.Fatal("StartPrism with a missing spec succeeded")
	}
}

// assertGone checks that the process group is gone and the port closed.
func assertGone(t *testing.T, pid int, origin string) {
	t.Helper()
	if err := syscall.Kill(-pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process group %d still exists after Close (kill 0: %v)", pid, err)
	}
	u, _ := url.Parse(origin)
	if c, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after Close", u.Host)
	}
}

func TestInstalled(t *testing.T) {
	const lock = `{"packages":{"":{"name":"x"},"node_modules/a":{"version":"1.0.0"},"node_modules/fsevents":{"version":"2.3.3","optional":true}}}`
	tests := []struct {
		name   string
		hidden string // node_modules/.package-lock.json; "" means absent
		want   bool
	}{
		{"match, optional package absent", `{"packages":{"node_modules/a":{"version":"1.0.0"}}}`, true},
		{"match with optional package", `{"packages":{"node_modules/a":{"version":"1.0.0"},"node_modules/fsevents":{"version":"2.3.3"}}}`, true},
		{"other version", `{"packages":{"node_modules/a":{"version":"1.0.1"}}}`, false},
		{"package missing", `{"packages":{}}`, false},
		{"not installed", "", false},
		{"corrupt record", `{`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "package-lock.json"), []byte(lock), 0o644); err != nil {
				t.Fatal(err)
			}
			if tt.hidden != "" {
				if err := os.MkdirAll(filepath.Join(dir, "node_modules"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "node_modules", ".package-lock.json"), []byte(tt.hidden), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if got := installed(dir); got != tt.want {
				t.Fatalf("installed = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestNoNode: without node on PATH the harness says so instead of failing
// obscurely. (Not parallel: it changes PATH.)
func TestNoNode(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for name, start := range map[string]func() error{
		"InstallNode":      func() error { _, err := InstallNode(); return err },
		"StartTokenServer": func() error { _, err := StartTokenServer(TokenServerOptions{}); return err },
		"StartPrism":       func() error { _, err := StartPrism("testdata/prism-test.yaml"); return err },
	} {
		if err := start(); err == nil || !strings.Contains(err.Error(), "node is not installed") {
			t.Errorf("%s without node: %v", name, err)
		}
	}
}
