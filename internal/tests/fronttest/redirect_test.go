package fronttest

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/auth"
	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	scimbulk "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimbulk"
	scimgroups "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimgroups"
	scimme "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimme"
	scimresourcetypes "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimresourcetypes"
	scimroles "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimroles"
	scimschemas "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimschemas"
	scimspconfig "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimspconfig"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
	umbraco18 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco18"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/option"
)

// Client ids of the one token server of TestRedirectsKeepCredentials.
const (
	redirAuth0ID    = "fronttest-redirect-auth0"
	redirAsgardeoID = "fronttest-redirect-asgardeo"
)

var asgardeoScopes = []string{"internal_user_mgt_list", "internal_application_mgt_view"}

// generated is one package of gen/: its front door and its bare client with
// the two set-ups of the README (RequestEditor, Transport).
type generated struct {
	name string
	// newAPI is the package's NewAPI (site, client id, secret, options).
	newAPI newAPI
	// front builds the front door for an API at base with opts.
	front func(base string, opts ...option.Option) (any, error)
	// raw builds the bare *Client at base with a request editor or an
	// HTTP client (either may be nil).
	raw func(base string, edit func(context.Context, *http.Request) error, hc *http.Client) (any, error)
}

// generatedPackages lists every package of gen/ (TestRedirectsKeepCredentials
// checks the list against the directory).
func generatedPackages() []generated {
	asg := func(path string, newAPI func(string, string, string, ...option.Option) (any, error)) func(string, ...option.Option) (any, error) {
		return func(base string, opts ...option.Option) (any, error) {
			return newAPI(org, redirAsgardeoID, secret, append([]option.Option{option.WithBaseURL(base + "/t/" + org),
				option.WithScopes(asgardeoScopes...)}, opts...)...)
		}
	}
	return []generated{
		{"applications", anyAPI(applications.NewAPI), asg("/api/server/v1", anyAPI(applications.NewAPI)), rawEntry(applications.NewClient, applications.WithRequestEditorFn, applications.WithHTTPClient)},
		{"auth0", anyAPI(auth0.NewAPI), func(base string, opts ...option.Option) (any, error) {
			return auth0.NewAPI(domain, redirAuth0ID, secret, append([]option.Option{option.WithBaseURL(base + "/api/v2")}, opts...)...)
		}, rawEntry(auth0.NewClient, auth0.WithRequestEditorFn, auth0.WithHTTPClient)},
		{"scimbulk", anyAPI(scimbulk.NewAPI), asg("/scim2", anyAPI(scimbulk.NewAPI)), rawEntry(scimbulk.NewClient, scimbulk.WithRequestEditorFn, scimbulk.WithHTTPClient)},
		{"scimgroups", anyAPI(scimgroups.NewAPI), asg("/scim2", anyAPI(scimgroups.NewAPI)), rawEntry(scimgroups.NewClient, scimgroups.WithRequestEditorFn, scimgroups.WithHTTPClient)},
		{"scimme", anyAPI(scimme.NewAPI), asg("/scim2", anyAPI(scimme.NewAPI)), rawEntry(scimme.NewClient, scimme.WithRequestEditorFn, scimme.WithHTTPClient)},
		{"scimresourcetypes", anyAPI(scimresourcetypes.NewAPI), asg("/scim2", anyAPI(scimresourcetypes.NewAPI)), rawEntry(scimresourcetypes.NewClient, scimresourcetypes.WithRequestEditorFn, scimresourcetypes.WithHTTPClient)},
		{"scimroles", anyAPI(scimroles.NewAPI), asg("/scim2/v2", anyAPI(scimroles.NewAPI)), rawEntry(scimroles.NewClient, scimroles.WithRequestEditorFn, scimroles.WithHTTPClient)},
		{"scimschemas", anyAPI(scimschemas.NewAPI), asg("/scim2", anyAPI(scimschemas.NewAPI)), rawEntry(scimschemas.NewClient, scimschemas.WithRequestEditorFn, scimschemas.WithHTTPClient)},
		{"scimspconfig", anyAPI(scimspconfig.NewAPI), asg("/scim2", anyAPI(scimspconfig.NewAPI)), rawEntry(scimspconfig.NewClient, scimspconfig.WithRequestEditorFn, scimspconfig.WithHTTPClient)},
		{"scimusers", anyAPI(scimusers.NewAPI), asg("/scim2", anyAPI(scimusers.NewAPI)), rawEntry(scimusers.NewClient, scimusers.WithRequestEditorFn, scimusers.WithHTTPClient)},
		{"umbraco17", anyAPI(umbraco17.NewAPI), func(base string, opts ...option.Option) (any, error) {
			return umbraco17.NewAPI(base, umbracoID, secret, opts...)
		}, rawEntry(umbraco17.NewClient, umbraco17.WithRequestEditorFn, umbraco17.WithHTTPClient)},
		{"umbraco18", anyAPI(umbraco18.NewAPI), func(base string, opts ...option.Option) (any, error) {
			return umbraco18.NewAPI(base, umbracoID, secret, opts...)
		}, rawEntry(umbraco18.NewClient, umbraco18.WithRequestEditorFn, umbraco18.WithHTTPClient)},
	}
}

func anyAPI[A any](newAPI func(string, string, string, ...option.Option) (A, error)) func(string, string, string, ...option.Option) (any, error) {
	return func(o, id, sec string, opts ...option.Option) (any, error) { return newAPI(o, id, sec, opts...) }
}

// rawEntry builds a package's bare client (O is its ClientOption, E its
// RequestEditorFn, D its HttpRequestDoer).
func rawEntry[O, C, E, D any](newClient func(string, ...O) (C, error), withEditor func(E) O, withHTTP func(D) O) func(string, func(context.Context, *http.Request) error, *http.Client) (any, error) {
	return func(base string, edit func(context.Context, *http.Request) error, hc *http.Client) (any, error) {
		var opts []O
		if edit != nil {
			opts = append(opts, withEditor(reflect.ValueOf(edit).Convert(reflect.TypeFor[E]()).Interface().(E)))
		}
		if hc != nil {
			opts = append(opts, withHTTP(any(hc).(D)))
		}
		return newClient(base, opts...)
	}
}

// redirAPI answers every request with a redirect, alternating 302 and 307
// and the two targets, and counts the requests that carried a bearer token.
type redirAPI struct {
	*httptest.Server
	targets []string
	mu      sync.Mutex
	n       int
	bearer  int
}

// counts returns how many requests the API got so far, and how many of
// them carried a bearer token.
func (a *redirAPI) counts() (requests, bearer int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n, a.bearer
}

// TestRedirectsKeepCredentials sends every operation of every front door,
// and every request method of every bare client set up as the README shows
// (RequestEditor, Transport), to an API on 127.0.0.1 that answers each with a
// 302 or 307 to another host (127.0.0.2) or another port of its own host.
// Tokens come from the real token server. The other origins must never
// receive the token or the client secret; the front doors refuse the
// redirect with an *auth.RedirectError.
func TestRedirectsKeepCredentials(t *testing.T) {
	checkEveryPackage(t)
	ts := testenv.TokenServerTB(t, testenv.TokenServerOptions{
		TokenPath: "/token", TTL: ttl, MapAudience: true, Scopes: asgardeoScopes,
		Resources: map[string]testenv.Resource{"https://" + domain + "/api/v2/": {TTL: ttl}},
		Clients: []testenv.Client{
			{ID: umbracoID, Secret: secret, AuthMethod: testenv.AuthPost},
			{ID: redirAuth0ID, Secret: secret, AuthMethod: testenv.AuthPost},
			{ID: redirAsgardeoID, Secret: secret, AuthMethod: testenv.AuthBasic},
		},
	})
	otherHost := testenv.StartRecorder(t, "127.0.0.2:0")
	otherPort := testenv.StartRecorder(t, "127.0.0.1:0")
	api := &redirAPI{targets: []string{otherHost.URL, otherPort.URL}}
	api.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.mu.Lock()
		i := api.n
		api.n++
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") && len(a) > 20 {
			api.bearer++
		}
		api.mu.Unlock()
		status := []int{http.StatusFound, http.StatusTemporaryRedirect}[i%2]
		http.Redirect(w, r, api.targets[(i/2)%2]+"/landing?x=1", status)
	}))
	t.Cleanup(api.Close)

	checkRecorders := func(t *testing.T, wantSeen int) {
		t.Helper()
		seen := append(otherHost.Take(), otherPort.Take()...)
		if wantSeen >= 0 && len(seen) != wantSeen {
			t.Errorf("the other origins got %d requests, want %d", len(seen), wantSeen)
		}
		for _, req := range seen {
			low := strings.ToLower(req)
			if strings.Contains(low, "\nauthorization:") || strings.Contains(low, "bearer") || strings.Contains(req, secret) ||
				strings.Contains(req, base64.StdEncoding.EncodeToString([]byte(redirAsgardeoID+":"+secret))) {
				t.Errorf("the other origin received credentials:\n%s", req)
			}
		}
	}
	// calls runs every operation of c and checks what the API saw: each
	// operation sent a request with a token, except one whose zero-valued
	// body cannot be encoded (it fails before any request). It returns the
	// number of requests sent.
	calls := func(t *testing.T, c any, wantRedirectError bool) int {
		t.Helper()
		ops, unsendable := 0, 0
		reqs0, bearer0 := api.counts()
		last := reqs0
		for name, err := range callAll(t, c) {
			ops++
			now, _ := api.counts()
			sent := now - last
			last = now
			if sent == 0 {
				if err == nil || !strings.Contains(err.Error(), "marshal") {
					t.Errorf("%s sent no request: %v", name, err)
				}
				unsendable++
				continue
			}
			var re *auth.RedirectError
			if wantRedirectError && !errors.As(err, &re) {
				t.Errorf("%s: error %v, want an *auth.RedirectError", name, err)
			}
		}
		reqs1, bearer1 := api.counts()
		reqs, bearer := reqs1-reqs0, bearer1-bearer0
		if ops == 0 || bearer != reqs || unsendable > 2 {
			t.Errorf("%d operations (%d with a body that does not encode) sent %d requests, %d with a bearer token; want one or more each, all with a token",
				ops, unsendable, reqs, bearer)
		}
		return reqs
	}
	follow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}

	for _, g := range generatedPackages() {
		t.Run(g.name+"/front door", func(t *testing.T) {
			c, err := g.front(api.URL, option.WithTokenURL(ts.TokenURL))
			if err != nil {
				t.Fatal(err)
			}
			defer c.(io.Closer).Close()
			calls(t, c, true)
			checkRecorders(t, 0)
		})
		t.Run(g.name+"/front door, caller's redirect policy", func(t *testing.T) {
			c, err := g.front(api.URL, option.WithTokenURL(ts.TokenURL), option.WithHTTPClient(follow))
			if err != nil {
				t.Fatal(err)
			}
			defer c.(io.Closer).Close()
			reqs := calls(t, c, false)
			checkRecorders(t, reqs)
		})
		src, err := auth.New(auth.Config{TokenURL: ts.TokenURL, ClientID: redirAsgardeoID, ClientSecret: secret, Scopes: asgardeoScopes})
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		t.Run(g.name+"/Transport", func(t *testing.T) {
			c, err := g.raw(api.URL, nil, &http.Client{Transport: src.Transport(nil)})
			if err != nil {
				t.Fatal(err)
			}
			reqs := calls(t, c, false)
			checkRecorders(t, reqs)
		})
		t.Run(g.name+"/RequestEditor with CheckRedirect", func(t *testing.T) {
			c, err := g.raw(api.URL, src.RequestEditor(), &http.Client{CheckRedirect: auth.CheckRedirect})
			if err != nil {
				t.Fatal(err)
			}
			calls(t, c, true)
			checkRecorders(t, 0)
		})
		t.Run(g.name+"/RequestEditor to another host", func(t *testing.T) {
			// Without CheckRedirect only net/http guards the editor's
			// token: it drops it for another host name (not another port).
			api.mu.Lock()
			saved := api.targets
			api.targets = []string{otherHost.URL, otherHost.URL}
			api.mu.Unlock()
			defer func() { api.mu.Lock(); api.targets = saved; api.mu.Unlock() }()
			c, err := g.raw(api.URL, src.RequestEditor(), nil)
			if err != nil {
				t.Fatal(err)
			}
			reqs := calls(t, c, false)
			checkRecorders(t, reqs)
		})
	}
}

// callAll calls every request method of c (a front door *API or a bare
// *Client): those taking a context first. String arguments get "x", others
// their zero value; an iterator is drawn once. It yields each method's
// name and error.
func callAll(t *testing.T, c any) func(yield func(string, error) bool) {
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	return func(yield func(string, error) bool) {
		v := reflect.ValueOf(c)
		for i := range v.NumMethod() {
			m := v.Type().Method(i)
			ft := v.Method(i).Type()
			if ft.NumIn() < 1 || ft.In(0) != ctxType || ft.NumOut() == 0 {
				continue
			}
			n := ft.NumIn()
			if ft.IsVariadic() {
				n-- // request editors: none
			}
			args := make([]reflect.Value, n)
			args[0] = reflect.ValueOf(t.Context())
			for j := 1; j < n; j++ {
				if ft.In(j).Kind() == reflect.String {
					s := reflect.New(ft.In(j)).Elem()
					s.SetString("x")
					args[j] = s
				} else {
					args[j] = reflect.Zero(ft.In(j))
				}
			}
			out := v.Method(i).Call(args)
			var err error
			switch last := out[len(out)-1]; {
			case ft.Out(0).Kind() == reflect.Func && ft.NumOut() == 1: // iter.Seq2[V, error]
				yieldType := ft.Out(0).In(0)
				stop := reflect.MakeFunc(yieldType, func(a []reflect.Value) []reflect.Value {
					if e, ok := a[1].Interface().(error); ok {
						err = e
					}
					return []reflect.Value{reflect.ValueOf(false)}
				})
				out[0].Call([]reflect.Value{stop})
			case last.Type() == errType:
				if e, ok := last.Interface().(error); ok {
					err = e
				}
				if r, ok := out[0].Interface().(*http.Response); ok && r != nil {
					r.Body.Close()
				}
			default:
				continue
			}
			if !yield(m.Name, err) {
				return
			}
		}
	}
}

// checkEveryPackage fails unless generatedPackages lists every API (the
// shims in internal/tests/apis, one per API of specs/pipeline.yaml).
func checkEveryPackage(t *testing.T) {
	t.Helper()
	ents, err := os.ReadDir("../apis")
	if err != nil {
		t.Fatal(err)
	}
	var dirs, listed []string
	for _, e := range ents {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	for _, g := range generatedPackages() {
		listed = append(listed, g.name)
	}
	slices.Sort(listed)
	if !slices.Equal(dirs, listed) {
		t.Fatalf("generatedPackages lists %q, internal/tests/apis holds %q", listed, dirs)
	}
}
