package testenv

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Client authentication methods of RFC 6749 §2.3.1 that the token server
// accepts, as oidc-provider names them.
const (
	// AuthBasic sends the client id and secret in an HTTP Basic header.
	AuthBasic = "client_secret_basic"
	// AuthPost sends the client id and secret in the request body.
	AuthPost = "client_secret_post"
)

// Client is an OAuth client registered at the token server. oidc-provider
// holds each client to exactly one authentication method.
type Client struct {
	ID, Secret string
	AuthMethod string // AuthBasic (default) or AuthPost
	Scope      string // space-separated scopes the client may ask for; default all
}

// Resource describes a resource server (RFC 8707 resource indicator, Auth0
// audience) and the lifetime of the access tokens issued for it.
type Resource struct {
	TTL   time.Duration // whole seconds; default TokenServerOptions.TTL
	Scope string        // space-separated scopes allowed for it; default all
}

// TokenServerOptions configures StartTokenServer. The zero value serves
// /token with 300-second tokens for the clients of DefaultClients.
type TokenServerOptions struct {
	// TokenPath is the path of the token endpoint, e.g. "/oauth/token".
	TokenPath string
	// TTL is the lifetime of tokens issued without a resource (whole seconds).
	TTL time.Duration
	// Resources maps resource indicators (or Auth0 audiences) to lifetimes.
	Resources map[string]Resource
	// Scopes lists the scopes the server knows.
	Scopes []string
	// Clients are the registered clients; nil means DefaultClients().
	Clients []Client
	// MapAudience turns on the test-only Auth0 compatibility middleware:
	// JSON bodies become form bodies and "audience" becomes "resource".
	MapAudience bool
}

// DefaultClients returns one client per authentication method.
func DefaultClients() []Client {
	return []Client{
		{ID: "basic-client", Secret: "basic-secret-0123456789", AuthMethod: AuthBasic},
		{ID: "post-client", Secret: "post-secret-0123456789", AuthMethod: AuthPost},
	}
}

// TokenServer is a running oidc-provider token endpoint on 127.0.0.1.
type TokenServer struct {
	// URL is the server's origin, e.g. "http://127.0.0.1:40123".
	URL string
	// TokenURL is URL followed by the token path.
	TokenURL string

	proc *process
}

// TokenStats counts what the token endpoint served.
type TokenStats struct {
	// TokenRequests is the number of requests that reached the token path.
	TokenRequests int `json:"tokenRequests"`
	// TokensIssued is the number of those answered with 200.
	TokensIssued int `json:"tokensIssued"`
}

type serverConfig struct {
	TokenPath   string                    `json:"tokenPath"`
	TTL         int                       `json:"ttl"`
	Resources   map[string]resourceConfig `json:"resources,omitempty"`
	Scopes      []string                  `json:"scopes,omitempty"`
	Clients     []clientConfig            `json:"clients"`
	MapAudience bool                      `json:"mapAudience,omitempty"`
}

type resourceConfig struct {
	TTL   int    `json:"ttl,omitempty"`
	Scope string `json:"scope,omitempty"`
}

type clientConfig struct {
	ID         string `json:"id"`
	Secret     string `json:"secret"`
	AuthMethod string `json:"authMethod"`
	Scope      string `json:"scope,omitempty"`
}

func seconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	s := int((d + time.Second - 1) / time.Second)
	return s
}

// StartTokenServer installs the npm packages if needed and starts
// testdata/tokenserver.mjs. It returns once the server accepts connections.
func StartTokenServer(opts TokenServerOptions) (*TokenServer, error) {
	dir, err := InstallNode()
	if err != nil {
		return nil, err
	}
	cfg := serverConfig{
		TokenPath:   opts.TokenPath,
		TTL:         seconds(opts.TTL),
		Scopes:      opts.Scopes,
		MapAudience: opts.MapAudience,
	}
	if cfg.TokenPath == "" {
		cfg.TokenPath = "/token"
	}
	if !strings.HasPrefix(cfg.TokenPath, "/") {
		return nil, fmt.Errorf("testenv: token path %q must start with /", cfg.TokenPath)
	}
	clients := opts.Clients
	if clients == nil {
		clients = DefaultClients()
	}
	for _, c := range clients {
		m := c.AuthMethod
		if m == "" {
			m = AuthBasic
		}
		if m != AuthBasic && m != AuthPost {
			return nil, fmt.Errorf("testenv: client %q: unknown auth method %q", c.ID, m)
		}
		cfg.Clients = append(cfg.Clients, clientConfig{ID: c.ID, Secret: c.Secret, AuthMethod: m, Scope: c.Scope})
	}
	if len(opts.Resources) > 0 {
		cfg.Resources = make(map[string]resourceConfig, len(opts.Resources))
		for k, r := range opts.Resources {
			cfg.Resources[k] = resourceConfig{TTL: seconds(r.TTL), Scope: r.Scope}
		}
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}

	// A start that hangs is killed and tried again: under two build loops
	// beside make test, a node process now and then printed its first
	// line (oidc-provider's runtime warning) and then nothing for minutes
	// (three times in three loaded runs), while other starts in the same
	// run took seconds.
	var errs []error
	for range startAttempts {
		s, err := startTokenServer(dir, js, cfg.TokenPath)
		if err == nil {
			return s, nil
		}
		errs = append(errs, err)
		if !errors.Is(err, errNotReady) {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// errNotReady is a token server that did not say it was ready in time.
var errNotReady = errors.New("testenv: token server not ready")

// startTokenServer starts one token server process with the JSON
// configuration js and waits startTimeout/startAttempts for it.
func startTokenServer(dir string, js []byte, tokenPath string) (*TokenServer, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}
	out := new(syncBuffer)
	cmd := exec.Command("node", filepath.Join(dir, "tokenserver.mjs"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TOKENSERVER_CONFIG="+string(js), "NODE_ENV=test")
	cmd.Stdout = pw
	cmd.Stderr = out
	proc, err := startProcess(cmd, out)
	pw.Close()
	if err != nil {
		pr.Close()
		return nil, fmt.Errorf("testenv: start token server: %w", err)
	}

	type ready struct {
		Ready bool `json:"ready"`
		Port  int  `json:"port"`
	}
	readyc := make(chan ready, 1)
	go func() {
		// Read the ready line, then keep copying stdout into the buffer
		// until the process exits and the pipe reaches EOF.
		defer pr.Close()
		br := bufio.NewReader(pr)
		line, _ := br.ReadString('\n')
		var r ready
		_ = json.Unmarshal([]byte(line), &r)
		if !r.Ready {
			out.Write([]byte(line))
		}
		readyc <- r
		_, _ = io.Copy(out, br)
	}()

	select {
	case r := <-readyc:
		if !r.Ready || r.Port == 0 {
			proc.stop()
			return nil, fmt.Errorf("testenv: token server did not start:\n%s", out.String())
		}
		s := &TokenServer{URL: fmt.Sprintf("http://127.0.0.1:%d", r.Port), proc: proc}
		s.TokenURL = s.URL + tokenPath
		return s, nil
	case <-proc.done:
		// The reader may still be copying the last output.
		return nil, fmt.Errorf("testenv: token server exited before it was ready:\n%s", out.String())
	case <-time.After(startTimeout / startAttempts):
		proc.stop()
		return nil, fmt.Errorf("%w after %s:\n%s", errNotReady, startTimeout/startAttempts, out.String())
	}
}

// PID returns the process id of the node process.
func (s *TokenServer) PID() int { return s.proc.pid() }

// Output returns what the server wrote to stdout and stderr, for failure
// messages. It contains no client secrets: the configuration is passed in the
// environment, not printed.
func (s *TokenServer) Output() string { return s.proc.out.String() }

// Stats asks the server how many token requests it has served.
func (s *TokenServer) Stats() (TokenStats, error) {
	var st TokenStats
	// No keep-alive: an idle connection would look like a leaked goroutine
	// to tests that check for them.
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	resp, err := c.Get(s.URL + "/_stats")
	if err != nil {
		return st, fmt.Errorf("testenv: token server stats: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("testenv: token server stats: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("testenv: token server stats: %w", err)
	}
	return st, nil
}

// Close stops the server (SIGTERM, then SIGKILL, to its whole process group)
// and waits for it to exit. It is safe to call more than once.
func (s *TokenServer) Close() error {
	if s == nil || s.proc == nil {
		return errors.New("testenv: nil token server")
	}
	return s.proc.stop()
}
