package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
)

// recorder is a server on another origin than the API that records the
// raw text of every request it receives.
type recorder struct{ *testenv.Recorder }

func newRecorder(t testing.TB, addr string) *recorder {
	return &recorder{testenv.StartRecorder(t, addr)}
}

// checkNoCredentials fails if any request the recorder got, from the
// since-th on, carries an Authorization header or one of the secrets, in
// clear, percent-encoded or base64 (Basic).
func (r *recorder) checkNoCredentials(t testing.TB, since int, secrets ...string) {
	t.Helper()
	for _, req := range r.Requests()[since:] {
		low := strings.ToLower(req)
		if strings.Contains(low, "\nauthorization:") || strings.Contains(low, "bearer") || strings.Contains(low, "basic ") {
			t.Errorf("the other origin received credentials:\n%s", req)
		}
		for _, s := range secrets {
			for _, form := range []string{s, url.QueryEscape(s), base64.StdEncoding.EncodeToString([]byte(s))} {
				if strings.Contains(req, form) {
					t.Errorf("the other origin received the secret %q in:\n%s", s, req)
				}
			}
		}
	}
}

// redirectAPI is an API server on 127.0.0.1 that counts the requests that
// carry a bearer token and answers every request with a redirect.
type redirectAPI struct {
	*httptest.Server
	mu     sync.Mutex
	authed int
}

func (a *redirectAPI) authenticated() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.authed
}

// redirectingAPI starts a redirectAPI answering with status to target.
func redirectingAPI(t *testing.T, status int, target string) *redirectAPI {
	t.Helper()
	a := &redirectAPI{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer tok-") {
			a.mu.Lock()
			a.authed++
			a.mu.Unlock()
		}
		http.Redirect(w, r, target+"/landing?from=api", status)
	}))
	t.Cleanup(a.Close)
	return a
}

// TestTokenStaysOnOrigin sends a request through every way of
// authenticating a client (Transport, TransportFor, RequestEditor, both
// with CheckRedirect) to an API that redirects to another host
// (127.0.0.2) and to the same host on another port, with every redirect
// status. The other origin never receives the token; a client with
// CheckRedirect refuses the redirect with a *RedirectError.
func TestTokenStaysOnOrigin(t *testing.T) {
	te := newTokenEndpoint(t, 300, nil)
	otherHost := newRecorder(t, "127.0.0.2:0")
	otherPort := newRecorder(t, "127.0.0.1:0")

	type setup struct {
		name string
		// client returns the client and the request editor (or nil) for
		// an API at server.
		client func(t *testing.T, src *Source, server string) (*http.Client, func(*http.Request) error)
		// refuses: the redirect ends in a *RedirectError.
		refuses bool
		// portSafe: the set-up keeps the token from another port of the
		// same host (net/http alone does not: see RequestEditor).
		portSafe bool
	}
	editor := func(src *Source) func(*http.Request) error {
		ed := src.RequestEditor()
		return func(r *http.Request) error { return ed(r.Context(), r) }
	}
	setups := []setup{
		{"Transport", func(t *testing.T, src *Source, _ string) (*http.Client, func(*http.Request) error) {
			return &http.Client{Transport: src.Transport(nil)}, nil
		}, false, true},
		{"Transport with CheckRedirect", func(t *testing.T, src *Source, _ string) (*http.Client, func(*http.Request) error) {
			return &http.Client{Transport: src.Transport(nil), CheckRedirect: CheckRedirect}, nil
		}, true, true},
		{"TransportFor", func(t *testing.T, src *Source, server string) (*http.Client, func(*http.Request) error) {
			rt, err := src.TransportFor(server, nil)
			if err != nil {
				t.Fatal(err)
			}
			return &http.Client{Transport: rt}, nil
		}, false, true},
		{"RequestEditor", func(t *testing.T, src *Source, _ string) (*http.Client, func(*http.Request) error) {
			return &http.Client{}, editor(src)
		}, false, false},
		{"RequestEditor with CheckRedirect", func(t *testing.T, src *Source, _ string) (*http.Client, func(*http.Request) error) {
			return &http.Client{CheckRedirect: CheckRedirect}, editor(src)
		}, true, true},
		{"RequestEditor and Transport", func(t *testing.T, src *Source, _ string) (*http.Client, func(*http.Request) error) {
			return &http.Client{Transport: src.Transport(nil)}, editor(src)
		}, false, true},
	}
	targets := []struct {
		name string
		rec  *recorder
	}{{"other host", otherHost}, {"same host other port", otherPort}}
	statuses := []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect}

	for _, su := range setups {
		for _, tg := range targets {
			if tg.rec == otherPort && !su.portSafe {
				continue // documented: net/http keeps Authorization for another port
			}
			for _, status := range statuses {
				t.Run(fmt.Sprintf("%s/%s/%d", su.name, tg.name, status), func(t *testing.T) {
					before := len(tg.rec.Requests())
					api := redirectingAPI(t, status, tg.rec.URL)
					src := mustNew(t, testConfig(te.URL))
					hc, edit := su.client(t, src, api.URL)
					req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, api.URL+"/users?x=1", strings.NewReader(`{"name":"kim"}`))
					if edit != nil {
						if err := edit(req); err != nil {
							t.Fatal(err)
						}
					}
					resp, err := hc.Do(req)
					if resp != nil {
						resp.Body.Close()
					}
					if authed := api.authenticated(); authed != 1 {
						t.Fatalf("the API saw %d authenticated requests, want 1", authed)
					}
					after := len(tg.rec.Requests())
					var re *RedirectError
					if su.refuses {
						if !errors.As(err, &re) {
							t.Fatalf("error %v, want a *RedirectError", err)
						}
						if re.From != originString(mustParse(t, api.URL)) || re.To != originString(mustParse(t, tg.rec.URL)) {
							t.Errorf("RedirectError %+v names the wrong origins", re)
						}
						if strings.Contains(re.Error(), "landing") {
							t.Errorf("RedirectError %q quotes more of the location than its origin", re)
						}
						if after != before {
							t.Errorf("the refused redirect reached the other origin")
						}
					} else {
						if err != nil {
							t.Fatalf("the redirect was not followed: %v", err)
						}
						if after != before+1 {
							t.Errorf("the other origin got %d requests, want 1", after-before)
						}
					}
					tg.rec.checkNoCredentials(t, before, "tok-", testSecret)
				})
			}
		}
	}
}

// A redirect within the origin keeps the token; one through another origin
// and back drops it on the foreign hop only.
func TestTransportRedirectChain(t *testing.T) {
	te := newTokenEndpoint(t, 300, nil)
	other := newRecorder(t, "127.0.0.2:0")
	var mu sync.Mutex
	var seen []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case "/b":
			http.Redirect(w, r, other.URL+"/c", http.StatusFound)
		}
	}))
	t.Cleanup(api.Close)
	src := mustNew(t, testConfig(te.URL))
	resp, err := (&http.Client{Transport: src.Transport(nil)}).Get(api.URL + "/a")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[0] != "/a Bearer tok-1" || seen[1] != "/b Bearer tok-1" {
		t.Errorf("the API saw %q, want the token on /a and /b", seen)
	}
	if n := len(other.Requests()); n != 1 {
		t.Errorf("the other host got %d requests, want 1", n)
	}
	other.checkNoCredentials(t, 0, "tok-1")
}

// TransportFor sends the token to its origin only, also on requests the
// caller makes elsewhere.
func TestTransportForOtherOrigin(t *testing.T) {
	te := newTokenEndpoint(t, 300, nil)
	other := newRecorder(t, "127.0.0.2:0")
	src := mustNew(t, testConfig(te.URL))
	rt, err := src.TransportFor("http://127.0.0.1:1/api", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: rt}).Get(other.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := len(other.Requests()); n != 1 {
		t.Fatalf("the other host got %d requests, want 1", n)
	}
	other.checkNoCredentials(t, 0, "tok-")
	if n := te.requests.Load(); n != 0 {
		t.Errorf("%d tokens were fetched for a request that does not carry one", n)
	}
	for _, bad := range []string{"", "/relative", "ftp://host/x", "http://", "::"} {
		if _, err := src.TransportFor(bad, nil); err == nil {
			t.Errorf("TransportFor(%q) accepted", bad)
		}
	}
}

// TestSameOrigin pins the origin comparison: scheme, host (case-insensitive)
// and port with the scheme's default.
func TestSameOrigin(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"https://api.example.com/x", "https://API.example.com:443/y?z", true},
		{"http://127.0.0.1/x", "http://127.0.0.1:80/", true},
		{"https://api.example.com", "http://api.example.com", false},
		{"https://api.example.com", "https://api.example.com:8443", false},
		{"https://example.com", "https://api.example.com", false},
		{"https://api.example.com", "https://api.example.com.", false},
		{"http://127.0.0.1:8080", "http://127.0.0.2:8080", false},
		{"http://[::1]:8080", "http://[::1]:8080/x", true},
		{"http://[::1]:8080", "http://[::1]:8081", false},
		{"https://user:pw@api.example.com", "https://api.example.com", true},
	}
	for _, tt := range tests {
		if got := sameOrigin(mustParse(t, tt.a), mustParse(t, tt.b)); got != tt.want {
			t.Errorf("sameOrigin(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	if got := originString(mustParse(t, "HTTPS://u:p@API.example.com/x?q#f")); got != "https://api.example.com:443" {
		t.Errorf("originString = %q", got)
	}
}

func mustParse(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestTokenRequestStaysOnOrigin: a token endpoint that redirects to another
// host, or to another port of its host, never gets the client secret
// re-sent there, in any AuthStyle and Encoding; the fetch fails with a
// *RedirectError that names only the two origins and holds no secret.
func TestTokenRequestStaysOnOrigin(t *testing.T) {
	otherHost := newRecorder(t, "127.0.0.2:0")
	otherPort := newRecorder(t, "127.0.0.1:0")
	for _, rec := range []*recorder{otherHost, otherPort} {
		for _, status := range []int{http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			for _, style := range []AuthStyle{AuthBasic, AuthBody} {
				for _, enc := range []Encoding{EncodingForm, EncodingJSON} {
					t.Run(fmt.Sprintf("%s/%d/%s/%s", rec.Listener.Addr(), status, style, enc), func(t *testing.T) {
						before := len(rec.Requests())
						front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
							http.Redirect(w, r, rec.URL+"/oauth2/token?x=1", status)
						}))
						t.Cleanup(front.Close)
						cfg := testConfig(front.URL + "/oauth2/token")
						cfg.AuthStyle, cfg.Encoding = style, enc
						src := mustNew(t, cfg)
						_, err := src.Token(t.Context())
						var re *RedirectError
						if !errors.As(err, &re) {
							t.Fatalf("error %v, want a *RedirectError", err)
						}
						if re.To != originString(mustParse(t, rec.URL)) {
							t.Errorf("RedirectError.To = %q", re.To)
						}
						if strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), url.QueryEscape(testSecret)) {
							t.Errorf("error %q holds the secret", err)
						}
						if n := len(rec.Requests()) - before; n != 0 {
							t.Errorf("the other origin got %d token requests", n)
						}
						rec.checkNoCredentials(t, before, testSecret, "client-1:")
					})
				}
			}
		}
	}
}

// TestTokenRequestRedirectRealServer puts the real token server (node
// oidc-provider) behind a redirect from another port of its host: had the
// request followed it, the server would have seen the credentials and
// issued a token. It sees no request at all.
func TestTokenRequestRedirectRealServer(t *testing.T) {
	t.Parallel()
	srv := testenv.TokenServerTB(t, testenv.TokenServerOptions{Clients: oidcClients()})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.TokenURL, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(front.Close)
	for _, c := range []Config{
		{TokenURL: front.URL + "/token", ClientID: basicID, ClientSecret: basicSecret, AuthStyle: AuthBasic},
		{TokenURL: front.URL + "/token", ClientID: postID, ClientSecret: postSecret, AuthStyle: AuthBody},
	} {
		src := mustNew(t, c)
		_, err := src.Token(t.Context())
		var re *RedirectError
		if !errors.As(err, &re) {
			t.Fatalf("%s: error %v, want a *RedirectError", c.AuthStyle, err)
		}
		if strings.Contains(err.Error(), c.ClientSecret) {
			t.Errorf("error %q holds the secret", err)
		}
	}
	// The redirect target works: the same credentials sent there directly
	// get a token, so a followed redirect would have been served.
	direct := mustNew(t, Config{TokenURL: srv.TokenURL, ClientID: basicID, ClientSecret: basicSecret})
	if _, err := direct.Token(t.Context()); err != nil {
		t.Fatalf("direct token request: %v", err)
	}
	st, err := srv.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.TokenRequests != 1 {
		t.Errorf("the real token server got %d token requests, want 1 (the direct one)", st.TokenRequests)
	}
}
