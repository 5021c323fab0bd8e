package contract

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The upstream specs are read from the read-only mirror beside the clone
// (SPECS_MIRROR, default ../shared/specs relative to the repository root) and
// never copied into the repository.

// specFiles maps a short name to the mirror-relative path of each raw spec.
var specFiles = map[string]string{
	"umbraco17":    "umbraco/umbraco-management-api-17.5.2.openapi.json",
	"umbraco18":    "umbraco/umbraco-management-api-18.0.2.openapi.json",
	"auth0":        "auth0/auth0-management-api-v2.2026-06-25.oas.json",
	"scimusers":    "asgardeo/asgardeo-scim2-users.yaml",
	"scimgroups":   "asgardeo/asgardeo-scim2-groups.yaml",
	"applications": "asgardeo/wso2-identity-api-server-applications.v1.6.41.yaml",
}

// repoRoot is the parent of this package's directory (go test runs in it).
const repoRoot = ".."

func mirrorDir() string {
	dir := os.Getenv("SPECS_MIRROR")
	if dir == "" {
		dir = "../shared/specs"
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(repoRoot, dir)
	}
	return dir
}

// loaded caches each spec for the whole test binary: loading the big ones
// takes most of a second (several with -race).
var (
	loadedMu sync.Mutex
	loaded   = map[string]*loadResult{}
)

type loadResult struct {
	once sync.Once
	spec *Spec
	err  error
}

func loadPath(t testing.TB, path string) *Spec {
	t.Helper()
	loadedMu.Lock()
	r, ok := loaded[path]
	if !ok {
		r = &loadResult{}
		loaded[path] = r
	}
	loadedMu.Unlock()
	r.once.Do(func() { r.spec, r.err = LoadFile(context.Background(), path) })
	if r.err != nil {
		t.Fatalf("load %s: %v", path, r.err)
	}
	return r.spec
}

func rawSpec(t testing.TB, name string) *Spec {
	t.Helper()
	rel, ok := specFiles[name]
	if !ok {
		t.Fatalf("unknown spec %q", name)
	}
	return loadPath(t, filepath.Join(mirrorDir(), rel))
}

const (
	token     = "tok-9f8e7d6c5b4a-very-secret"
	bearer    = "Bearer " + token
	basicAuth = "Basic dXNlcjpwYXNzd29yZA=="
	docID     = "3cde4b8e-7c6a-4a55-9a53-0b7d2f0e6d11"
)

// exchange is one request sent through the validating transport to a test
// server that answers with a canned response.
type exchange struct {
	name string
	spec string

	method, path string
	auth         string // Authorization header value, if any
	reqCT        string
	reqBody      string

	status   int
	respCT   string
	respBody string

	// want lists substrings that must each appear in some violation
	// message; empty means the exchange must pass.
	want []string
	// where and op are checked on every violation when set; op only
	// against the raw specs (our overlays rename some operations).
	where Where
	op    string
	// rawOnly marks a case that depends on a defect of the raw spec that
	// our overlays fix.
	rawOnly bool
}

func TestExchanges(t *testing.T) {
	const (
		umb     = "/umbraco/management/api/v1"
		scimCT  = "application/scim+json"
		jsonCT  = "application/json"
		goodDoc = `{"values":[{"alias":"title","value":null},{"alias":"body","value":{"markup":"<p>x</p>"}}],"variants":[{"name":"Home"}]}`
	)
	var cases []exchange
	for _, u := range []string{"umbraco17", "umbraco18"} {
		cases = append(cases,
			exchange{name: "server status passes", spec: u, method: "GET", path: umb + "/server/status",
				status: 200, respCT: jsonCT, respBody: `{"serverStatus":"Run"}`},
			exchange{name: "server status bad enum", spec: u, method: "GET", path: umb + "/server/status",
				status: 200, respCT: jsonCT, respBody: `{"serverStatus":"Flying"}`,
				want: []string{"serverStatus"}, where: InResponse, op: "GetServerStatus"},
			exchange{name: "user current routes, undeclared status", spec: u, method: "GET", path: umb + "/user/current", auth: bearer,
				status: 418, want: []string{"status is not supported"}, where: InResponse, op: "GetUserCurrent"},
			exchange{name: "user current 401 passes", spec: u, method: "GET", path: umb + "/user/current", auth: bearer,
				status: 401},
			exchange{name: "delete document passes", spec: u, method: "DELETE", path: umb + "/document/" + docID, auth: bearer,
				status: 200},
			exchange{name: "missing bearer", spec: u, method: "DELETE", path: umb + "/document/" + docID,
				status: 200, want: []string{"missing bearer credentials"}, where: InRequest, op: "DeleteDocumentById"},
			exchange{name: "non-bearer authorization", spec: u, method: "DELETE", path: umb + "/document/" + docID, auth: basicAuth,
				status: 200, want: []string{"missing bearer credentials"}, where: InRequest},
			exchange{name: "wrong uuid in path", spec: u, method: "DELETE", path: umb + "/document/not-a-uuid", auth: bearer,
				status: 200, want: []string{`parameter "id" in path`, "uuid"}, where: InRequest, op: "DeleteDocumentById"},
			exchange{name: "undeclared status", spec: u, method: "DELETE", path: umb + "/document/" + docID, auth: bearer,
				status: 418, want: []string{"status is not supported"}, where: InResponse},
			exchange{name: "put document with null any-value passes", spec: u, method: "PUT", path: umb + "/document/" + docID, auth: bearer,
				reqCT: jsonCT, reqBody: goodDoc, status: 200},
			exchange{name: "put document missing alias", spec: u, method: "PUT", path: umb + "/document/" + docID, auth: bearer,
				reqCT: jsonCT, reqBody: `{"values":[{"value":1}],"variants":[{"name":"Home"}]}`, status: 200,
				want: []string{"body", "alias"}, where: InRequest, op: "PutDocumentById"},
			exchange{name: "put document wrong content type", spec: u, method: "PUT", path: umb + "/document/" + docID, auth: bearer,
				reqCT: "text/csv", reqBody: "a,b", status: 200, want: []string{"text/csv"}, where: InRequest},
			exchange{name: "get with a body", spec: u, method: "GET", path: umb + "/server/status",
				reqCT: jsonCT, reqBody: `{}`, status: 200, respCT: jsonCT, respBody: `{"serverStatus":"Run"}`,
				want: []string{"request body not allowed"}, where: InRequest},
			exchange{name: "no operation", spec: u, method: "GET", path: umb + "/no/such/thing",
				status: 200, want: []string{"no operation for GET " + umb + "/no/such/thing"}, where: InRequest},
			exchange{name: "method not declared", spec: u, method: "PATCH", path: umb + "/server/status",
				status: 200, want: []string{"no operation for PATCH"}, where: InRequest},
		)
	}
	const segment = `{"id":"seg_abc","name":"Beta users","type":"self","rules":[{"match":{"country":["NZ"]}}],"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`
	cases = append(cases,
		exchange{name: "list users passes", spec: "auth0", method: "GET", path: "/api/v2/users", auth: bearer,
			status: 200, respCT: jsonCT, respBody: `[{"user_id":"auth0|1","email":"a@example.com","email_verified":true}]`},
		exchange{name: "list users without base path (Prism)", spec: "auth0", method: "GET", path: "/users?page=0&per_page=2", auth: bearer,
			status: 200, respCT: "application/json; charset=utf-8", respBody: `[]`},
		exchange{name: "list users missing bearer", spec: "auth0", method: "GET", path: "/api/v2/users",
			status: 200, respCT: jsonCT, respBody: `[]`, want: []string{"missing bearer credentials"}, where: InRequest, op: "get_users"},
		exchange{name: "list users bad body", spec: "auth0", method: "GET", path: "/api/v2/users", auth: bearer,
			status: 200, respCT: jsonCT, respBody: `"not a list"`, want: []string{"response body doesn't match"}, where: InResponse, op: "get_users"},
		exchange{name: "list users bad query", spec: "auth0", method: "GET", path: "/api/v2/users?per_page=many", auth: bearer,
			status: 200, respCT: jsonCT, respBody: `[]`, want: []string{`parameter "per_page" in query`}, where: InRequest},
		exchange{name: "list users undeclared status", spec: "auth0", method: "GET", path: "/api/v2/users", auth: bearer,
			status: 418, respCT: jsonCT, respBody: `{}`, want: []string{"status is not supported"}, where: InResponse},
		exchange{name: "create role passes", spec: "auth0", method: "POST", path: "/api/v2/roles", auth: bearer,
			reqCT: jsonCT, reqBody: `{"name":"editors","description":"Can edit"}`,
			status: 200, respCT: jsonCT, respBody: `{"id":"rol_1","name":"editors","description":"Can edit"}`},
		exchange{name: "create role bad body", spec: "auth0", method: "POST", path: "/api/v2/roles", auth: bearer,
			reqCT: jsonCT, reqBody: `{"description":1}`, status: 200, respCT: jsonCT, respBody: `{}`,
			want: []string{"name"}, where: InRequest, op: "post_roles"},
		exchange{name: "create role bad response", spec: "auth0", method: "POST", path: "/api/v2/roles", auth: bearer,
			reqCT: jsonCT, reqBody: `{"name":"editors"}`, status: 200, respCT: jsonCT, respBody: `{"id":1,"extra":true}`,
			// The fixed document accepts undeclared members (step
			// keep-unknown-members); a wrongly typed member is still a violation.
			want: []string{"/id"}, where: InResponse},
		exchange{name: "lookahead pattern accepts", spec: "auth0", method: "POST", path: "/api/v2/experimentation/segments", auth: bearer,
			reqCT: jsonCT, reqBody: `{"name":"Beta users","rules":[{"match":{"country":["NZ"]}}]}`,
			status: 201, respCT: jsonCT, respBody: segment},
		exchange{name: "lookahead pattern rejects", spec: "auth0", method: "POST", path: "/api/v2/experimentation/segments", auth: bearer,
			reqCT: jsonCT, reqBody: `{"name":" Beta users","rules":[{"match":{"country":["NZ"]}}]}`,
			status: 201, respCT: jsonCT, respBody: segment, want: []string{"/name", `\S(.*\S)?$`}, where: InRequest, op: "create_segment"},
		exchange{name: "response pattern rejects", spec: "auth0", method: "POST", path: "/api/v2/experimentation/segments", auth: bearer,
			reqCT: jsonCT, reqBody: `{"name":"Beta users","rules":[{"match":{"country":["NZ"]}}]}`,
			status: 201, respCT: jsonCT, respBody: strings.Replace(segment, "seg_abc", "segment-1", 1),
			want: []string{"/id", "^seg_[A-HJ-NP-Za-km-z1-9]+$"}, where: InResponse},
	)
	const scimUser = `{"id":"008bba85-451d-414b-87de-c03b5a1f4217","meta":{"resourceType":"User","created":"2024-01-01T00:00:00Z"},"name":{"givenName":"Kim"}}`
	cases = append(cases,
		exchange{name: "list users passes", spec: "scimusers", method: "GET", path: "/t/acme/scim2/Users?filter=userName+eq+kim", auth: bearer,
			status: 200, respCT: scimCT, respBody: `{"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[` + scimUser + `]}`},
		exchange{name: "list users without base path (Prism)", spec: "scimusers", method: "GET", path: "/Users", rawOnly: true,
			status: 200, respCT: scimCT, respBody: `{"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`},
		exchange{name: "list users resource without meta", spec: "scimusers", method: "GET", path: "/t/acme/scim2/Users", auth: bearer,
			status: 200, respCT: scimCT, respBody: `{"totalResults":1,"Resources":[{"id":"x"}]}`,
			want: []string{"meta"}, where: InResponse, op: "getUser"},
		exchange{name: "list users problem wrong type", spec: "scimusers", method: "GET", path: "/t/acme/scim2/Users", auth: bearer,
			status: 200, respCT: scimCT, respBody: `{"totalResults":"one"}`,
			want: []string{"totalResults"}, where: InResponse},
		exchange{name: "list users undeclared status", spec: "scimusers", method: "GET", path: "/t/acme/scim2/Users", auth: bearer,
			status: 500, respCT: scimCT, respBody: `{}`, want: []string{"status is not supported"}, where: InResponse},
		exchange{name: "list users wrong content type", spec: "scimusers", method: "GET", path: "/t/acme/scim2/Users", auth: bearer,
			status: 200, respCT: "text/plain", respBody: `hello`, want: []string{"text/plain"}, where: InResponse},
		exchange{name: "delete user passes", spec: "scimusers", method: "DELETE", path: "/t/acme/scim2/Users/008bba85", auth: bearer,
			status: 204},
		exchange{name: "create group passes", spec: "scimgroups", method: "POST", path: "/t/acme/scim2/Groups", auth: bearer,
			reqCT: scimCT, reqBody: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"managers"}`,
			status: 201, respCT: scimCT, respBody: `{"id":"7bac6a86-1f21-4937-9fb1-5be4a93ef469","displayName":"managers","schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}`},
		exchange{name: "create group missing displayName", spec: "scimgroups", method: "POST", path: "/t/acme/scim2/Groups", auth: bearer,
			reqCT: scimCT, reqBody: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}`,
			status: 201, respCT: scimCT, respBody: `{}`, want: []string{"displayName"}, where: InRequest, op: "createGroup"},
		exchange{name: "list groups passes", spec: "scimgroups", method: "GET", path: "/Groups", auth: bearer,
			status: 200, respCT: scimCT, respBody: `{"totalResults":0,"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Resources":[]}`},
		exchange{name: "list groups bad schemas", spec: "scimgroups", method: "GET", path: "/Groups", auth: bearer,
			status: 200, respCT: scimCT, respBody: `{"schemas":"urn:ietf:params:scim:api:messages:2.0:ListResponse"}`,
			want: []string{"schemas"}, where: InResponse},
	)
	const app = `{"id":"85e3f4b8-0d22-4181-b1e3-1651f71b88bd","name":"user-portal","access":"READ","applicationEnabled":true}`
	cases = append(cases,
		exchange{name: "list applications passes", spec: "applications", method: "GET", path: "/t/carbon.super/api/server/v1/applications?limit=10", auth: bearer,
			status: 200, respCT: jsonCT, respBody: `{"totalResults":1,"startIndex":1,"count":1,"applications":[` + app + `]}`},
		exchange{name: "list applications basic auth passes", spec: "applications", method: "GET", path: "/applications", auth: basicAuth,
			status: 200, respCT: jsonCT, respBody: `{"applications":[]}`},
		exchange{name: "list applications no credentials", spec: "applications", method: "GET", path: "/applications",
			status: 200, respCT: jsonCT, respBody: `{"applications":[]}`,
			want: []string{"missing bearer credentials", "missing basic credentials"}, where: InRequest, op: "getAllApplications"},
		exchange{name: "list applications bad enum", spec: "applications", method: "GET", path: "/t/carbon.super/api/server/v1/applications", auth: bearer,
			status: 200, respCT: jsonCT, respBody: `{"applications":[{"id":"a","access":"ADMIN"}]}`,
			want: []string{"access"}, where: InResponse},
		exchange{name: "list applications bad limit", spec: "applications", method: "GET", path: "/applications?limit=ten", auth: bearer,
			status: 200, respCT: jsonCT, respBody: `{}`, want: []string{`parameter "limit" in query`}, where: InRequest},
		exchange{name: "list applications undeclared status", spec: "applications", method: "GET", path: "/applications", auth: bearer,
			status: 418, want: []string{"status is not supported"}, where: InResponse},
		exchange{name: "get application routes", spec: "applications", method: "GET", path: "/t/carbon.super/api/server/v1/applications/85e3f4b8", auth: bearer,
			status: 200, respCT: jsonCT, respBody: `{"name":7}`, want: []string{"name"}, where: InResponse, op: "getApplication"},
	)

	for _, c := range cases {
		t.Run("raw/"+c.spec+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			runExchange(t, rawSpec(t, c.spec), c)
		})
		// The same exchanges against the spec after our overlays, when the
		// generation pipeline has written it. It declares the SCIM bodies
		// as application/json while the test server (like Asgardeo) sends
		// application/scim+json.
		if fixed := fixedSpecPath(c.spec); fixed != "" && !c.rawOnly {
			c := c
			c.op = ""
			t.Run("fixed/"+c.spec+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				runExchange(t, loadPath(t, fixed), c, MatchJSONMediaTypes())
			})
		}
	}
}

// fixedSpecPath is the path of the fixed spec the generation pipeline wrote
// for name, or "" when there is none.
func fixedSpecPath(name string) string {
	p := filepath.Join(repoRoot, "specs", ".cache", "fixed", name+".json")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

func runExchange(t *testing.T, spec *Spec, c exchange, opts ...Option) {
	t.Helper()
	var (
		mu       sync.Mutex
		received []byte
		hits     int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		received, hits = b, hits+1
		mu.Unlock()
		if c.respCT != "" {
			w.Header().Set("Content-Type", c.respCT)
		}
		w.WriteHeader(c.status)
		io.WriteString(w, c.respBody)
	}))
	defer srv.Close()

	client := &http.Client{Transport: spec.Transport(srv.Client().Transport, opts...)}
	var body io.Reader
	if c.reqBody != "" {
		body = strings.NewReader(c.reqBody)
	}
	req, err := http.NewRequestWithContext(context.Background(), c.method, srv.URL+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	if c.reqCT != "" {
		req.Header.Set("Content-Type", c.reqCT)
	}
	resp, err := client.Do(req)

	if len(c.want) == 0 {
		if err != nil {
			t.Fatalf("want no violation, got %v", err)
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.respBody {
			t.Errorf("caller read body %q, server sent %q", got, c.respBody)
		}
		if resp.StatusCode != c.status {
			t.Errorf("status %d, want %d", resp.StatusCode, c.status)
		}
		mu.Lock()
		defer mu.Unlock()
		if hits != 1 || string(received) != c.reqBody {
			t.Errorf("server got %d requests, last body %q; want 1 with %q", hits, received, c.reqBody)
		}
		return
	}

	if err == nil {
		resp.Body.Close()
		t.Fatalf("want violations containing %q, got none", c.want)
	}
	var cerr *Error
	if !errors.As(err, &cerr) {
		t.Fatalf("want *contract.Error, got %T: %v", err, err)
	}
	if len(cerr.Violations) == 0 {
		t.Fatal("error with no violations")
	}
	msg := cerr.Error()
	if strings.Contains(msg, token) {
		t.Errorf("error leaks the token: %s", msg)
	}
	for _, w := range c.want {
		found := false
		for _, v := range cerr.Violations {
			if strings.Contains(v.Message, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no violation mentions %q:\n%s", w, msg)
		}
	}
	for _, v := range cerr.Violations {
		if c.where != "" && v.Where != c.where {
			t.Errorf("violation in %s, want %s: %s", v.Where, c.where, v)
		}
		if c.op != "" && v.Operation != c.op {
			t.Errorf("violation operation %q, want %q", v.Operation, c.op)
		}
		if v.Method != c.method || !strings.HasPrefix(c.path, v.Path) {
			t.Errorf("violation names %s %s, want %s %s", v.Method, v.Path, c.method, c.path)
		}
		if v.Where == InResponse && v.Status != c.status {
			t.Errorf("violation status %d, want %d", v.Status, c.status)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	switch {
	case c.where == InRequest && hits != 0:
		t.Errorf("invalid request was sent (%d hits)", hits)
	case c.where == InResponse && hits != 1:
		t.Errorf("server got %d requests, want 1", hits)
	}
}

// TestSpecDefects pins what the validator says about the raw upstream specs
// where they disagree with what the real servers send, so that a change of
// spec that fixes (or breaks) them is noticed. Each needs an overlay.
func TestSpecDefects(t *testing.T) {
	cases := []exchange{
		// SCIM 2.0 (RFC 7643 section 3) "schemas" is an array of URIs; the
		// Asgardeo users spec types it as an object, so a real ListResponse
		// is rejected.
		{name: "scim schemas typed object", spec: "scimusers", method: "GET", path: "/t/acme/scim2/Users", auth: bearer,
			status: 200, respCT: "application/scim+json",
			respBody: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`,
			want:     []string{"schemas"}, where: InResponse},
		// Auth0: the device "name" of a Guardian enrollment (default
		// "iPhone 7") carries a phone-number pattern, ^\+[0-9]{8, 20}, whose
		// "{8, 20}" is not even a repeat: no real device name matches.
		{name: "auth0 guardian enrollment name pattern", spec: "auth0", method: "GET", path: "/api/v2/guardian/enrollments/dev_1", auth: bearer,
			status: 200, respCT: "application/json", respBody: `{"id":"dev_1","name":"iPhone 7","status":"confirmed"}`,
			want: []string{"/name"}, where: InResponse, op: "get_enrollments_by_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			runExchange(t, rawSpec(t, c.spec), c)
		})
	}
}

// TestEveryOperationRoutes checks that each operation of each spec (and of
// each fixed spec, when the generation pipeline has written them) is found by
// the router from a concrete path, with and without the server base path.
func TestEveryOperationRoutes(t *testing.T) {
	paths := map[string]string{}
	for name, rel := range specFiles {
		paths["raw/"+name] = filepath.Join(mirrorDir(), rel)
	}
	fixed, _ := filepath.Glob(filepath.Join(repoRoot, "specs", ".cache", "fixed", "*.json"))
	for _, f := range fixed {
		paths["fixed/"+filepath.Base(f)] = f
	}
	names := make([]string, 0, len(paths))
	for n := range paths {
		names = append(names, n)
	}
	sort.Strings(names)
	param := regexp.MustCompile(`\{[^}/]+\}`)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := loadPath(t, paths[name])
			n := 0
			for path, item := range s.doc.Paths.Map() {
				concrete := param.ReplaceAllString(path, "p1")
				for method := range item.Operations() {
					n++
					prefixes := []string{""}
					for _, b := range s.serverBases {
						prefixes = append(prefixes, param.ReplaceAllString(b.raw, "p0"))
					}
					for _, prefix := range prefixes {
						req := httptest.NewRequest(method, "http://api.test"+prefix+concrete, nil)
						m, ok := s.route(req, nil)
						if !ok {
							t.Errorf("%s %s%s: no route", method, prefix, concrete)
							continue
						}
						if m.route.Path != path || m.route.Method != method {
							t.Errorf("%s %s%s routed to %s %s, want %s", method, prefix, concrete, m.route.Method, m.route.Path, path)
						}
					}
				}
			}
			if n == 0 {
				t.Fatal("no operations")
			}
		})
	}
}

// inlineSpec is a small document for transport behaviour that does not
// depend on the upstream specs.
const inlineSpec = `
openapi: 3.0.3
info: {title: inline, version: "1"}
servers: [{url: "https://{host}/base/{tenant}/v1"}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    key: {type: apiKey, in: header, name: X-Api-Key}
security: [{bearer: []}]
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
    put:
      operationId: putItem
      parameters:
        - {name: access_token, in: query, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              additionalProperties: false
              properties:
                name: {type: string, minLength: 1}
                count: {type: integer, default: 5}
      responses:
        "200":
          description: ok
          headers:
            X-Rate: {schema: {type: integer}, required: true}
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties: {id: {type: string, format: uuid}}
            text/plain:
              schema: {type: string}
        default:
          description: problem
          content:
            application/problem+json:
              schema: {type: object, required: [title], properties: {title: {type: string}}}
  /events:
    get:
      responses:
        "200":
          description: a stream
          content:
            text/event-stream:
              schema: {type: string}
  /keyed:
    get:
      security: [{key: []}]
      responses:
        "204": {description: none}
`

func inline(t testing.TB) *Spec {
	t.Helper()
	s, err := Load(context.Background(), []byte(inlineSpec))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const itemPath = "/base/acme/v1/items/" + docID

func TestTransportInline(t *testing.T) {
	s := inline(t)
	type tc struct {
		name      string
		opts      []Option
		method    string
		path      string
		headers   map[string]string
		body      string
		respHdr   map[string]string
		status    int
		respBody  string
		want      []string
		wantHits  int
		notInMsgs []string
	}
	okHdr := map[string]string{"Content-Type": "application/json", "X-Rate": "3"}
	auth := map[string]string{"Authorization": bearer, "Content-Type": "application/json"}
	cases := []tc{
		{name: "valid", method: "PUT", path: itemPath, headers: auth, body: `{"name":"a"}`,
			respHdr: okHdr, status: 200, respBody: `{"id":"` + docID + `"}`, wantHits: 1},
		{name: "text/plain response", method: "PUT", path: itemPath, headers: auth, body: `{"name":"a"}`,
			respHdr: map[string]string{"Content-Type": "text/plain; charset=utf-8", "X-Rate": "3"}, status: 200, respBody: "plain", wantHits: 1},
		{name: "problem+json default", method: "PUT", path: itemPath, headers: auth, body: `{"name":"a"}`,
			respHdr: map[string]string{"Content-Type": "application/problem+json"}, status: 409, respBody: `{"title":"conflict"}`, wantHits: 1},
		{name: "problem+json default invalid", method: "PUT", path: itemPath, headers: auth, body: `{"name":"a"}`,
			respHdr: map[string]string{"Content-Type": "application/problem+json"}, status: 409, respBody: `{"detail":"x"}`,
			want: []string{"title"}, wantHits: 1},
		{name: "missing response header", method: "PUT", path: itemPath, headers: auth, body: `{"name":"a"}`,
			respHdr: map[string]string{"Content-Type": "application/json"}, status: 200, respBody: `{"id":"` + docID + `"}`,
			want: []string{"X-Rate"}, wantHits: 1},
		{name: "response uuid format", method: "PUT", path: itemPath, headers: auth, body: `{"name":"a"}`,
			respHdr: okHdr, status: 200, respBody: `{"id":"nope"}`, want: []string{"/id", "UUID"}, wantHits: 1},
		{name: "all request violations listed", method: "PUT", path: "/base/acme/v1/items/xyz?access_token=" + token,
			headers: map[string]string{"Content-Type": "application/json"}, body: `{"extra":1}`,
			want:      []string{"missing bearer", `parameter "id" in path`, `parameter "access_token" in query`, "name", "extra"},
			notInMsgs: []string{token}},
		{name: "no base path (Prism)", method: "PUT", path: "/items/" + docID, headers: auth, body: `{"name":"a"}`,
			respHdr: okHdr, status: 200, respBody: `{"id":"` + docID + `"}`, wantHits: 1},
		{name: "explicit base path", opts: []Option{WithBasePath("/gw/{stage}")}, method: "PUT", path: "/gw/prod/items/" + docID,
			headers: auth, body: `{"name":"a"}`, respHdr: okHdr, status: 200, respBody: `{"id":"` + docID + `"}`, wantHits: 1},
		{name: "explicit base path is strict", opts: []Option{WithBasePath("/gw/{stage}")}, method: "PUT", path: "/items/" + docID,
			headers: auth, body: `{"name":"a"}`, want: []string{"no operation for PUT /items/", "/gw/{stage}"}},
		{name: "+json response not declared", method: "PUT", path: itemPath, headers: auth, body: `{"name":"a"}`,
			respHdr: map[string]string{"Content-Type": "application/vnd.item+json", "X-Rate": "3"}, status: 200, respBody: `{"id":"` + docID + `"}`,
			want: []string{"application/vnd.item+json"}, wantHits: 1},
		{name: "+json response matched to application/json", opts: []Option{MatchJSONMediaTypes()}, method: "PUT", path: itemPath, headers: auth, body: `{"name":"a"}`,
			respHdr: map[string]string{"Content-Type": "application/vnd.item+json", "X-Rate": "3"}, status: 200, respBody: `{"id":"` + docID + `"}`, wantHits: 1},
		{name: "+json response matched and still validated", opts: []Option{MatchJSONMediaTypes()}, method: "PUT", path: itemPath, headers: auth, body: `{"name":"a"}`,
			respHdr: map[string]string{"Content-Type": "application/vnd.item+json", "X-Rate": "3"}, status: 200, respBody: `{"id":"x"}`,
			want: []string{"/id"}, wantHits: 1},
		{name: "+json request matched to application/json", opts: []Option{MatchJSONMediaTypes()}, method: "PUT", path: itemPath,
			headers: map[string]string{"Authorization": bearer, "Content-Type": "application/merge-patch+json"}, body: `{"name":""}`,
			want: []string{"/name"}},
		{name: "json problem matched to problem+json", opts: []Option{MatchJSONMediaTypes()}, method: "PUT", path: itemPath, headers: auth, body: `{"name":"a"}`,
			respHdr: map[string]string{"Content-Type": "application/json"}, status: 500, respBody: `{"title":"boom"}`, wantHits: 1},
		{name: "undecodable undeclared media type", method: "PUT", path: itemPath, headers: auth, body: `{"name":"a"}`,
			respHdr: map[string]string{"Content-Type": "text/html", "X-Rate": "3"}, status: 200, respBody: `<html>`,
			want: []string{`Content-Type "text/html" is not declared`}, wantHits: 1},
		{name: "api key present", method: "GET", path: "/keyed", headers: map[string]string{"X-Api-Key": "k-123456"},
			status: 204, wantHits: 1},
		{name: "api key missing", method: "GET", path: "/keyed", headers: map[string]string{"Authorization": bearer},
			want: []string{`missing API key "X-Api-Key"`}},
		{name: "empty bearer", method: "PUT", path: itemPath, headers: map[string]string{"Authorization": "Bearer ", "Content-Type": "application/json"},
			body: `{"name":"a"}`, want: []string{"missing bearer"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu       sync.Mutex
				hits     int
				received string
			)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				hits++
				received = string(b)
				mu.Unlock()
				for k, v := range c.respHdr {
					w.Header().Set(k, v)
				}
				w.WriteHeader(c.status)
				io.WriteString(w, c.respBody)
			}))
			defer srv.Close()
			client := &http.Client{Transport: s.Transport(srv.Client().Transport, c.opts...)}
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			req, _ := http.NewRequest(c.method, srv.URL+c.path, body)
			for k, v := range c.headers {
				req.Header.Set(k, v)
			}
			resp, err := client.Do(req)
			if len(c.want) == 0 {
				if err != nil {
					t.Fatalf("want success, got %v", err)
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(got) != c.respBody {
					t.Errorf("caller read %q, want %q", got, c.respBody)
				}
				mu.Lock()
				if received != c.body {
					t.Errorf("server received %q, want %q (defaults must not be added)", received, c.body)
				}
				mu.Unlock()
			} else {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("want violations %q, got none", c.want)
				}
				var cerr *Error
				if !errors.As(err, &cerr) {
					t.Fatalf("want *Error, got %T %v", err, err)
				}
				// The *url.Error of http.Client repeats the URL, query
				// included: check the contract error itself.
				for _, w := range c.want {
					if !strings.Contains(cerr.Error(), w) {
						t.Errorf("error does not mention %q:\n%v", w, cerr)
					}
				}
				for _, w := range c.notInMsgs {
					if strings.Contains(cerr.Error(), w) {
						t.Errorf("error contains %q:\n%v", w, cerr)
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if hits != c.wantHits {
				t.Errorf("server hits %d, want %d", hits, c.wantHits)
			}
		})
	}
}

// TestReportOnly checks that with ReportOnly invalid requests are sent,
// invalid responses are returned, and the violations reach the callback.
func TestReportOnly(t *testing.T) {
	s := inline(t)
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(422)
		io.WriteString(w, `{"id":1}`)
	}))
	defer srv.Close()
	var reports []*Error
	client := &http.Client{Transport: s.Transport(srv.Client().Transport, ReportOnly(func(e *Error) { reports = append(reports, e) }))}
	resp, err := client.Post(srv.URL+"/items/bad", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || string(got) != `{"id":1}` {
		t.Errorf("response %d %q not passed through", resp.StatusCode, got)
	}
	if hits != 1 {
		t.Errorf("server hits %d, want 1", hits)
	}
	if len(reports) != 1 {
		t.Fatalf("%d reports, want 1", len(reports))
	}
	// POST is not declared for /items/{id}: no operation, so only the
	// request is reported.
	if v := reports[0].Violations; len(v) != 1 || !strings.Contains(v[0].Message, "no operation for POST /items/bad") {
		t.Errorf("violations %v", v)
	}

	reports = nil
	req, _ := http.NewRequest("PUT", srv.URL+"/items/bad", strings.NewReader(`{"name":"a"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(reports) != 1 {
		t.Fatalf("%d reports, want 1", len(reports))
	}
	var req0, resp0 int
	for _, v := range reports[0].Violations {
		switch v.Where {
		case InRequest:
			req0++
		case InResponse:
			resp0++
		}
	}
	if req0 < 2 || resp0 < 1 {
		t.Errorf("want >=2 request and >=1 response violations, got %v", reports[0])
	}
}

// TestEventStream checks that a streamed response is handed over without
// being read to its end (it has none).
func TestEventStream(t *testing.T) {
	s := inline(t)
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: one\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer srv.Close()
	defer close(done)
	// A transport that waited for the end of the stream would block until
	// this deadline and fail, instead of hanging the test binary.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/events", nil)
	req.Header.Set("Authorization", bearer)
	resp, err := (&http.Client{Transport: s.Transport(srv.Client().Transport)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line := make([]byte, len("data: one"))
	if _, err := io.ReadFull(resp.Body, line); err != nil || string(line) != "data: one" {
		t.Errorf("read %q, %v", line, err)
	}
}

// TestResponseBodyClosedOnViolation checks that an invalid response's body is
// closed for the caller, who gets no response.
func TestResponseBodyClosedOnViolation(t *testing.T) {
	s := inline(t)
	body := &trackingBody{Reader: strings.NewReader(`{"id":"nope"}`)}
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "X-Rate": {"1"}},
			Body: body, Request: r}, nil
	})
	req, _ := http.NewRequest("PUT", "http://api.test"+itemPath, strings.NewReader(`{"name":"a"}`))
	req.Header.Set("Authorization", bearer)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Transport(rt).RoundTrip(req)
	if err == nil || resp != nil {
		t.Fatalf("want error and no response, got %v, %v", resp, err)
	}
	if !body.closed {
		t.Error("response body not closed")
	}
}

// TestRequestBodyClosed checks the RoundTripper contract: the request body is
// closed, also when the request is rejected.
func TestRequestBodyClosed(t *testing.T) {
	s := inline(t)
	body := &trackingBody{Reader: strings.NewReader(`{"name":1}`)}
	req, _ := http.NewRequest("PUT", "http://api.test"+itemPath, body)
	req.Header.Set("Content-Type", "application/json")
	rt := roundTripFunc(func(*http.Request) (*http.Response, error) {
		t.Error("invalid request was sent")
		return nil, errors.New("unreachable")
	})
	if _, err := s.Transport(rt).RoundTrip(req); err == nil {
		t.Fatal("want error")
	}
	if !body.closed {
		t.Error("request body not closed")
	}
}

func TestTransportConcurrent(t *testing.T) {
	s := inline(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Rate", "1")
		io.WriteString(w, `{"id":"`+docID+`"}`)
	}))
	defer srv.Close()
	client := &http.Client{Transport: s.Transport(srv.Client().Transport)}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := `{"name":"a"}`
			if i%2 == 1 {
				body = `{"name":""}`
			}
			req, _ := http.NewRequest("PUT", srv.URL+itemPath, strings.NewReader(body))
			req.Header.Set("Authorization", bearer)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if i%2 == 1 {
				var cerr *Error
				if !errors.As(err, &cerr) {
					errs <- errors.New("want a violation for an empty name")
				}
				return
			}
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNilSpecTransport(t *testing.T) {
	var s *Spec
	body := &trackingBody{Reader: strings.NewReader("x")}
	req, _ := http.NewRequest("POST", "http://api.test/x", body)
	rt := roundTripFunc(func(*http.Request) (*http.Response, error) {
		t.Error("request sent without a spec")
		return nil, errors.New("unreachable")
	})
	if _, err := s.Transport(rt).RoundTrip(req); err == nil {
		t.Error("want an error from a nil Spec")
	}
	if !body.closed {
		t.Error("request body not closed")
	}
}

func TestGuard(t *testing.T) {
	err := guard(func() error { panic("boom") })
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("guard gave %v", err)
	}
	want := errors.New("plain")
	if err := guard(func() error { return want }); err != want {
		t.Errorf("guard changed the error: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	cases := []struct {
		name string
		ctx  context.Context
		data string
		want string
	}{
		{"empty", ctx, "", "empty document"},
		{"not a document", ctx, "{{{", "parse"},
		{"invalid document", ctx, `{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Missing"}}}}}}}}}`, "Missing"},
		{"canceled", canceled, inlineSpec, "context canceled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Load(c.ctx, []byte(c.data))
			if err == nil || s != nil {
				t.Fatalf("want error, got %v, %v", s, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
	if _, err := LoadFile(ctx, filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("LoadFile of a missing file: want error")
	}
}

func TestRedactor(t *testing.T) {
	req := httptest.NewRequest("GET", "http://api.test/x?access_token=qtoken-123&page=1234", nil)
	req.Header.Set("Authorization", bearer)
	req.Header.Set("X-Api-Key", "hkey-4567")
	req.Header.Set("Cookie", "sid=cookie-789; theme=darkmode")
	req.Header.Set("X-Request-Id", "req-visible")
	r := newRedactor(req)
	in := "saw " + token + " and " + bearer + " and qtoken-123 hkey-4567 cookie-789 darkmode; kept req-visible 1234"
	got := r.clean(in)
	for _, secret := range []string{token, "qtoken-123", "hkey-4567", "cookie-789", "darkmode"} {
		if strings.Contains(got, secret) {
			t.Errorf("%q not redacted: %s", secret, got)
		}
	}
	for _, kept := range []string{"req-visible", "1234", "[REDACTED]"} {
		if !strings.Contains(got, kept) {
			t.Errorf("%q missing: %s", kept, got)
		}
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("é", 3000)
	got := truncate(long, 101)
	if len(got) > 101+40 || !strings.Contains(got, "bytes truncated") {
		t.Errorf("truncate gave %d bytes: %q", len(got), got[len(got)-40:])
	}
	if !strings.HasPrefix(got, strings.Repeat("é", 50)) || strings.Contains(got, "\uFFFD") {
		t.Error("truncate cut inside a rune")
	}
	if truncate("short", 10) != "short" {
		t.Error("short string changed")
	}
}

func TestRegexCompiler(t *testing.T) {
	cases := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{`^(?!.*\x00)\S(.*\S)?$`, []string{"Beta users", "x"}, []string{" lead", "trail ", "a\x00b"}},
		{`^(.){1,1024}$`, []string{"a", strings.Repeat("b", 1024)}, []string{"", strings.Repeat("b", 1025)}},
		{`^[a-z]+$`, []string{"abc"}, []string{"ABC"}},
	}
	for _, c := range cases {
		m, err := compileRegex(c.pattern)
		if err != nil {
			t.Fatalf("%s: %v", c.pattern, err)
		}
		for _, s := range c.match {
			if !m.MatchString(s) {
				t.Errorf("%s should match %q", c.pattern, s)
			}
		}
		for _, s := range c.noMatch {
			if m.MatchString(s) {
				t.Errorf("%s should not match %q", c.pattern, s)
			}
		}
	}
	if _, err := compileRegex(`(unclosed`); err == nil {
		t.Error("want an error for an invalid pattern")
	}
}

type trackingBody struct {
	io.Reader
	closed bool
}

func (b *trackingBody) Close() error { b.closed = true; return nil }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// BenchmarkLoad measures Load per raw spec: time per load (ns/op), bytes
// allocated while loading (B/op, with -benchmem) and the heap the loaded Spec
// keeps alive (retained-MiB).
func BenchmarkLoad(b *testing.B) {
	names := make([]string, 0, len(specFiles))
	for n := range specFiles {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		b.Run(name, func(b *testing.B) {
			data, err := os.ReadFile(filepath.Join(mirrorDir(), specFiles[name]))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var s *Spec
			start := time.Now()
			for b.Loop() {
				if s, err = Load(context.Background(), data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(time.Since(start).Seconds()*1000/float64(b.N), "ms/load")
			// Retained heap: drop everything but one Spec and compare.
			s = nil
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			s, err = Load(context.Background(), data)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(s)
			b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "retained-MiB")
		})
	}
}

// BenchmarkRoundTrip measures the validation cost of one exchange (request
// and response, no network) on a loaded spec.
func BenchmarkRoundTrip(b *testing.B) {
	cases := []struct {
		name, spec, method, path, reqBody string
		status                            int
		respBody                          string
	}{
		{"umbraco18-put-document", "umbraco18", "PUT", "/umbraco/management/api/v1/document/" + docID,
			`{"values":[{"alias":"title","value":null}],"variants":[{"name":"Home"}]}`, 200, ""},
		{"auth0-list-users", "auth0", "GET", "/api/v2/users", "", 200,
			`[{"user_id":"auth0|1","email":"a@example.com","email_verified":true}]`},
		{"scimusers-list-users", "scimusers", "GET", "/t/acme/scim2/Users", "", 200,
			`{"totalResults":1,"Resources":[{"id":"1","meta":{"resourceType":"User"}}]}`},
	}
	// Each case runs plain (validating) and in Observe mode (validating and
	// walking the bodies for drift), side by side.
	for _, c := range cases {
		for _, mode := range []string{"validate", "observe"} {
			b.Run(c.name+"/"+mode, func(b *testing.B) {
				benchRoundTrip(b, c.spec, c.method, c.path, c.reqBody, c.status, c.respBody, mode == "observe")
			})
		}
	}
}

func benchRoundTrip(b *testing.B, spec, method, path, reqBody string, status int, respBody string, observe bool) {
	var opts []Option
	if observe {
		opts = append(opts, Observe(&Drift{}))
	}
	s := rawSpec(b, spec)
	ct := "application/json"
	if strings.HasPrefix(spec, "scim") {
		ct = "application/scim+json"
	}
	rt := s.Transport(roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Body != nil {
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
		}
		h := http.Header{}
		if respBody != "" {
			h.Set("Content-Type", ct)
		}
		return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(respBody)), Request: r}, nil
	}), opts...)
	b.ReportAllocs()
	for b.Loop() {
		var body io.Reader
		if reqBody != "" {
			body = strings.NewReader(reqBody)
		}
		req, _ := http.NewRequest(method, "http://api.test"+path, body)
		req.Header.Set("Authorization", bearer)
		if reqBody != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := rt.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
}
