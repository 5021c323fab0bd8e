package contracttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/contract"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
)

// Vendor is the product whose token endpoint an API's clients use.
type Vendor int

// The vendors of the generated clients.
const (
	Umbraco Vendor = iota
	Auth0
	Asgardeo
)

// String names the vendor.
func (v Vendor) String() string {
	switch v {
	case Umbraco:
		return "umbraco"
	case Auth0:
		return "auth0"
	case Asgardeo:
		return "asgardeo"
	}
	return fmt.Sprintf("Vendor(%d)", int(v))
}

// APIs maps the pipeline's API names (specs/pipeline.yaml) to their vendor.
var APIs = map[string]Vendor{
	"umbraco17":    Umbraco,
	"umbraco18":    Umbraco,
	"auth0":        Auth0,
	"scimusers":    Asgardeo,
	"scimgroups":   Asgardeo,
	"applications": Asgardeo,

	"scimroles":         Asgardeo,
	"scimbulk":          Asgardeo,
	"scimme":            Asgardeo,
	"scimschemas":       Asgardeo,
	"scimresourcetypes": Asgardeo,
	"scimspconfig":      Asgardeo,
}

// Fixed names used by the offline token servers.
const (
	// Auth0Domain is the tenant whose audience the Auth0 tokens are for.
	Auth0Domain = "tenant.example.com"
	// AsgardeoOrg is the organisation in the Asgardeo token path.
	AsgardeoOrg = "acme"
	// UmbracoTokenPath is the token endpoint of an Umbraco site.
	UmbracoTokenPath = "/umbraco/management/api/v1/security/back-office/token"
	// tokenTTL outlives any contract run, so one token serves a whole binary
	// and a token check never races a refresh.
	tokenTTL = time.Hour
)

// AsgardeoScopes are the scopes the Asgardeo clients ask for.
var AsgardeoScopes = []string{
	"internal_user_mgt_list", "internal_user_mgt_view", "internal_user_mgt_create",
	"internal_user_mgt_update", "internal_user_mgt_delete",
	"internal_group_mgt_view", "internal_group_mgt_create", "internal_group_mgt_update", "internal_group_mgt_delete",
	"internal_application_mgt_view", "internal_application_mgt_create",
	"internal_application_mgt_update", "internal_application_mgt_delete",
}

// SpecPath returns the path of the fixed spec of api,
// specs/.cache/fixed/<api>.json in the module root.
func SpecPath(api string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "specs", ".cache", "fixed", api+".json")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("contracttest: fixed spec of %s not found at %s; run \"make fix\" first", api, p)
	}
	return p, nil
}

func moduleRoot() (string, error) {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, d := range starts {
		for ; ; d = filepath.Dir(d) {
			if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/mgmtapi/mgmtapi\n") {
				return d, nil
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "", errors.New("contracttest: cannot find the mgmtapi module root")
}

// TokenServer is a running offline token endpoint and the auth.Config of a
// client registered there.
type TokenServer struct {
	*testenv.TokenServer
	// Config is the vendor preset (auth.Umbraco, auth.Auth0, auth.Asgardeo)
	// pointed at the local server; its secret is random per start.
	Config auth.Config
}

// StartTokenServer starts oidc-provider on 127.0.0.1 configured like the
// token endpoint of vendor, with one client whose secret is random.
func StartTokenServer(vendor Vendor) (*TokenServer, error) {
	secret, err := randomHex(24)
	if err != nil {
		return nil, err
	}
	id := "mgmtapi-" + vendor.String()
	opts := testenv.TokenServerOptions{TTL: tokenTTL}
	var cfg auth.Config
	switch vendor {
	case Umbraco:
		opts.TokenPath = UmbracoTokenPath
		opts.Clients = []testenv.Client{{ID: id, Secret: secret, AuthMethod: testenv.AuthPost}}
	case Auth0:
		cfg = auth.Auth0(Auth0Domain, id, secret)
		opts.TokenPath = "/oauth/token"
		opts.MapAudience = true
		opts.Resources = map[string]testenv.Resource{cfg.Audience: {TTL: tokenTTL}}
		opts.Clients = []testenv.Client{{ID: id, Secret: secret, AuthMethod: testenv.AuthPost}}
	case Asgardeo:
		cfg = auth.Asgardeo(AsgardeoOrg, id, secret, AsgardeoScopes...)
		opts.TokenPath = "/t/" + AsgardeoOrg + "/oauth2/token"
		opts.Scopes = AsgardeoScopes
		opts.Clients = []testenv.Client{{ID: id, Secret: secret, AuthMethod: testenv.AuthBasic}}
	default:
		return nil, fmt.Errorf("contracttest: unknown vendor %v", vendor)
	}
	ts, err := testenv.StartTokenServer(opts)
	if err != nil {
		return nil, err
	}
	if vendor == Umbraco {
		cfg = auth.Umbraco(ts.URL, id, secret)
	} else {
		cfg.TokenURL = ts.TokenURL
	}
	return &TokenServer{TokenServer: ts, Config: cfg}, nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("contracttest: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Env is what one contract test binary runs against: a token server, an
// auth.Source for its client, and Prism serving the fixed spec of one API.
type Env struct {
	// API is the pipeline name of the API, e.g. "auth0".
	API string
	// SpecPath is the private copy of the fixed spec that Prism serves.
	SpecPath string
	// Doc is the fixed spec, loaded with kin-openapi.
	Doc *openapi3.T
	// Prism serves Doc; point the generated client's server at Prism.URL.
	Prism *testenv.Prism
	// Tokens is the token server the Source gets its tokens from.
	Tokens *TokenServer
	// Source authenticates every request.
	Source *auth.Source

	contract *contract.Spec
	oas31    bool
	// http sends the suites' requests to Prism and the token server: one
	// connection per request. Node closes an idle keep-alive socket after
	// 5 s; on a loaded machine a reused socket met that close and a DELETE
	// (which net/http does not retry) failed with "connection reset by
	// peer". The reset is a race of the test set-up, not of the API.
	http *http.Transport

	mu       sync.Mutex
	coverage []string
}

// Start starts the token server and Prism for api (in parallel) and loads
// its fixed spec. prismArgs are added to "prism mock --errors -h 127.0.0.1
// -p <port>". On error everything already started is stopped.
func Start(api string, prismArgs ...string) (*Env, error) {
	vendor, ok := APIs[api]
	if !ok {
		return nil, fmt.Errorf("contracttest: unknown API %q", api)
	}
	spec, err := SpecPath(api)
	if err != nil {
		return nil, err
	}
	// Serve a private copy: Prism reloads (and drops connections) when its
	// file changes, and "make fix" may rewrite the cache while tests run.
	snap, err := snapshot(spec)
	if err != nil {
		return nil, err
	}
	e := &Env{API: api, SpecPath: snap, http: &http.Transport{DisableKeepAlives: true}}
	spec = snap
	var wg sync.WaitGroup
	var tsErr, prismErr, docErr, conErr error
	wg.Add(4)
	go func() { defer wg.Done(); e.Tokens, tsErr = StartTokenServer(vendor) }()
	go func() { defer wg.Done(); e.Prism, prismErr = testenv.StartPrism(spec, prismArgs...) }()
	go func() { defer wg.Done(); e.Doc, docErr = loadDoc(spec) }()
	go func() {
		defer wg.Done()
		e.contract, conErr = contract.LoadFile(context.Background(), spec)
	}()
	wg.Wait()
	if err := errors.Join(tsErr, prismErr, docErr, conErr); err != nil {
		e.Close()
		return nil, err
	}
	if err := waitAnswers(e.Prism.URL, 3*time.Minute); err != nil { // a hang bound: a loaded CI machine is slow
		e.Close()
		return nil, err
	}
	e.oas31 = strings.HasPrefix(e.Doc.OpenAPI, "3.1")
	e.Source, err = auth.New(e.Tokens.Config, auth.WithHTTPClient(&http.Client{Transport: e.http}))
	if err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// waitAnswers waits until the server at origin answers an HTTP request
// (any status: Prism answers 404 for "/"), not just accepts connections.
func waitAnswers(origin string, limit time.Duration) error {
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(limit)
	for {
		resp, err := c.Get(origin + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("contracttest: %s does not answer: %w", origin, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// snapshot copies the spec at path into a new temporary directory.
func snapshot(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("contracttest: %w", err)
	}
	dir, err := os.MkdirTemp("", "mgmtapi-contract-")
	if err != nil {
		return "", fmt.Errorf("contracttest: %w", err)
	}
	p := filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(p, b, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("contracttest: %w", err)
	}
	return p, nil
}

func loadDoc(path string) (*openapi3.T, error) {
	l := openapi3.NewLoader()
	doc, err := l.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("contracttest: load %s: %w", path, err)
	}
	return doc, nil
}

// Close stops Prism and the token server by PID and closes the Source. It is
// safe to call more than once and on a partly started Env.
func (e *Env) Close() error {
	var errs []error
	if e.Source != nil {
		errs = append(errs, e.Source.Close())
	}
	if e.Prism != nil {
		errs = append(errs, e.Prism.Close())
	}
	if e.Tokens != nil && e.Tokens.TokenServer != nil {
		errs = append(errs, e.Tokens.Close())
	}
	if e.http != nil {
		e.http.CloseIdleConnections()
	}
	if e.SpecPath != "" && strings.HasPrefix(e.SpecPath, os.TempDir()) {
		errs = append(errs, os.RemoveAll(filepath.Dir(e.SpecPath)))
		e.SpecPath = ""
	}
	return errors.Join(errs...)
}

// Main is the body of a contract test binary's TestMain:
//
//	var env *contracttest.Env
//	func TestMain(m *testing.M) { os.Exit(contracttest.Main(m, "auth0", &env)) }
//
// It starts the Env of api, stores it in *env, runs the tests, stops the
// servers by PID whatever the tests did, prints the servers' output when a
// test failed, and prints the coverage lines of EveryOperation to stdout.
// It returns the exit code.
func Main(m *testing.M, api string, env **Env, prismArgs ...string) int {
	e, err := Start(api, prismArgs...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "contracttest: start %s: %v\n", api, err)
		return 1
	}
	*env = e
	code := func() int {
		// Stop by PID also when tests fail; should the process die
		// instead, testenv's parent-death signal kills the servers.
		defer e.Close()
		return m.Run()
	}()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "--- prism output (%s) ---\n%s\n--- token server output ---\n%s\n", api, tail(e.Prism.Output(), 8000), tail(e.Tokens.Output(), 4000))
	}
	e.mu.Lock()
	lines := append([]string(nil), e.coverage...)
	e.mu.Unlock()
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	return code
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
