package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/contract"
)

// The fixed specs are made by `make fix` (SPECS_MIRROR=/work/shared/specs);
// a missing file fails the test rather than skipping it.
var specs = struct {
	mu sync.Mutex
	m  map[string]*contract.Spec
}{m: map[string]*contract.Spec{}}

func loadSpec(t *testing.T, name string) *contract.Spec {
	t.Helper()
	specs.mu.Lock()
	defer specs.mu.Unlock()
	if s, ok := specs.m[name]; ok {
		return s
	}
	path := filepath.Join("..", "..", "..", "specs", ".cache", "fixed", name+".json")
	s, err := contract.LoadFile(context.Background(), path)
	if err != nil {
		t.Fatalf("load %s (run `make fix` with SPECS_MIRROR set first): %v", path, err)
	}
	specs.m[name] = s
	return s
}

// storeTransport hands each request to a store, as the kit does, so that
// the contract transport above it checks the store's answers against the
// vendor's spec.
type storeTransport struct {
	store Store
	base  string // path of the API base, e.g. "/t/org/scim2"
}

func (s storeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body.Close()
		body = b
	}
	path, ok := strings.CutPrefix(req.URL.EscapedPath(), s.base)
	if !ok {
		return nil, fmt.Errorf("path %s is not under %s", req.URL.EscapedPath(), s.base)
	}
	resp, ok := s.store.Serve(Request{Method: req.Method, Path: path, Query: req.URL.Query(), Header: req.Header,
		Body: body, Base: req.URL.Scheme + "://" + req.URL.Host + s.base})
	if !ok {
		return nil, fmt.Errorf("store did not serve %s %s", req.Method, path)
	}
	h := resp.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: resp.Status, Header: h, Body: io.NopCloser(bytes.NewReader(resp.Body)),
		ContentLength: int64(len(resp.Body)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}

// api is a client of one store through the contract transport of one spec.
type api struct {
	t      *testing.T
	client *http.Client
	root   string // scheme, host and base path
	ct     string // request content type
	// lenient sends requests the spec rejects (the kit would stop them;
	// the store must still answer well) and records the violations.
	lenient *http.Client
	mu      sync.Mutex
	found   []contract.Violation
}

func newAPI(t *testing.T, specName string, st Store, host, base, ct string) *api {
	spec := loadSpec(t, specName)
	a := &api{t: t, root: "https://" + host + base, ct: ct,
		client: &http.Client{Transport: spec.Transport(storeTransport{store: st, base: base})}}
	a.lenient = &http.Client{Transport: spec.Transport(storeTransport{store: st, base: base}, contract.ReportOnly(func(e *contract.Error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.found = append(a.found, e.Violations...)
	}))}
	return a
}

// send sends r (a path below the base) whatever the spec says of the
// request, and fails the test if the response breaks the spec. A status
// the operation does not declare is allowed only when undeclared is set
// (the body cannot be checked then; the caller checks it).
func (a *api) send(r Request, undeclared bool) reply {
	a.t.Helper()
	u := a.root + r.Path
	if len(r.Query) > 0 {
		u += "?" + r.Query.Encode()
	}
	req, err := http.NewRequest(r.Method, u, bytes.NewReader(r.Body))
	if err != nil {
		a.t.Fatal(err)
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer test-token")
	if len(r.Body) > 0 {
		req.Header.Set("Content-Type", a.ct)
	}
	a.mu.Lock()
	a.found = nil
	a.mu.Unlock()
	resp, err := a.lenient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, v := range a.found {
		if v.Where != contract.InResponse {
			continue
		}
		if undeclared && strings.HasSuffix(v.Message, "status is not supported") {
			continue
		}
		a.t.Fatalf("%s %s: the store's answer breaks the spec: %s", r.Method, r.Path, v)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func scimAPI(t *testing.T, st *SCIM, spec string) *api {
	return newAPI(t, spec, st, "api.asgardeo.io", "/t/acme/scim2", scimMediaType)
}

func auth0API(t *testing.T, st *Auth0) *api {
	return newAPI(t, "auth0", st, "acme.eu.auth0.com", "/api/v2", "application/json")
}

// reply is a response the contract transport found valid.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into any JSON value.
func (r reply) json(t *testing.T) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	return v
}

func (r reply) obj(t *testing.T) map[string]any {
	t.Helper()
	m, ok := r.json(t).(map[string]any)
	if !ok {
		t.Fatalf("body is not an object: %s", r.body)
	}
	return m
}

// do sends one request; a contract violation in the request or the
// response fails the test.
func (a *api) do(method, path string, body any) reply {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.(string)
		if !ok {
			j, err := json.Marshal(body)
			if err != nil {
				a.t.Fatal(err)
			}
			b = string(j)
		}
		rd = strings.NewReader(b)
	}
	req, err := http.NewRequest(method, a.root+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer test-token")
	if body != nil {
		req.Header.Set("Content-Type", a.ct)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// want fails unless the reply has status.
func (r reply) want(t *testing.T, status int) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// get walks a decoded JSON value by member names and indexes.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func q(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return "?" + v.Encode()
}
