package scimtest

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"

	scimgroups "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimgroups"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/scim"
)

// env is one running server and clients for it.
type env struct {
	srv    *testenv.SCIMServer
	users  *scimusers.ClientWithResponses
	groups *scimgroups.ClientWithResponses
	seen   int // last request sequence number already asserted
}

func newEnv(t *testing.T, opts testenv.SCIMServerOptions) *env {
	t.Helper()
	srv := testenv.SCIMServerTB(t, opts)
	auth := srv.Authorize
	users, err := scimusers.NewClientWithResponses(srv.BaseURL,
		scimusers.WithRequestEditorFn(auth), scimusers.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		t.Fatal(err)
	}
	groups, err := scimgroups.NewClientWithResponses(srv.BaseURL,
		scimgroups.WithRequestEditorFn(auth), scimgroups.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, users: users, groups: groups}
}

// wire returns the requests the server received since the last call, and
// checks what every SCIM request must carry: the bearer token and
// application/scim+json (RFC 7644 §3.1, §3.8).
func (e *env) wire(t *testing.T) []testenv.SCIMRequest {
	t.Helper()
	reqs, err := e.srv.Requests(e.seen)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs {
		e.seen = r.Seq
		if !r.Bearer {
			t.Errorf("%s %s: no bearer token", r.Method, r.Path)
		}
		if r.Accept != scim.MediaType {
			t.Errorf("%s %s: Accept %q, want %q", r.Method, r.Path, r.Accept, scim.MediaType)
		}
		if r.Body != "" && r.ContentType != scim.MediaType {
			t.Errorf("%s %s: Content-Type %q, want %q", r.Method, r.Path, r.ContentType, scim.MediaType)
		}
	}
	return reqs
}

// one asserts that exactly one request reached the server since the last
// check, with this method, path and status, and returns it.
func (e *env) one(t *testing.T, method, path string, status int) testenv.SCIMRequest {
	t.Helper()
	reqs := e.wire(t)
	if len(reqs) != 1 {
		t.Fatalf("server received %d requests, want 1: %+v", len(reqs), reqs)
	}
	r := reqs[0]
	if r.Method != method || r.Path != path || r.Status != status {
		t.Fatalf("server received %s %s (answered %d), want %s %s (%d)", r.Method, r.Path, r.Status, method, path, status)
	}
	return r
}

// query parses a recorded query string.
func query(t *testing.T, r testenv.SCIMRequest) url.Values {
	t.Helper()
	q, err := url.ParseQuery(r.Query)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// sameJSON fails unless the recorded body equals want as JSON.
func sameJSON(t *testing.T, got string, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("body on the wire is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body on the wire:\n%s\nwant:\n%s", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
