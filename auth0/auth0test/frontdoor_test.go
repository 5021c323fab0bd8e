package auth0test_test

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/auth0"
	"github.com/mgmtapi/mgmtapi/auth0/auth0test"
	"github.com/mgmtapi/mgmtapi/auth0/model"
	"github.com/mgmtapi/mgmtapi/auth0/users"
)

// connect is what a user's test does: the normal Connect, pointed at the kit.
func connect(t *testing.T, srv *auth0test.Server) *users.API {
	t.Helper()
	conn, err := auth0.Connect(srv.Domain(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return users.New(conn)
}

func TestTypedHandler(t *testing.T) {
	srv := auth0test.New(t)
	auth0test.Handle(srv, "GET /users/{id}", func(r *auth0test.Request) (model.UserResponseSchema, error) {
		if r.PathParam("id") == "auth0|missing" {
			return model.UserResponseSchema{}, auth0test.Error(http.StatusNotFound, "The user does not exist.")
		}
		return model.UserResponseSchema{UserId: new(r.PathParam("id")), Email: new("ada@example.com")}, nil
	})
	u := connect(t, srv)
	got, err := u.GetUsersById(t.Context(), "auth0|ada", nil)
	if err != nil {
		t.Fatal(err)
	}
	if *got.UserId != "auth0|ada" || *got.Email != "ada@example.com" {
		t.Fatalf("front door got %+v", got)
	}
	_, err = u.GetUsersById(t.Context(), "auth0|missing", nil)
	var ae *apierror.Error
	if !errors.As(err, &ae) || ae.StatusCode != 404 || !strings.Contains(ae.Message, "The user does not exist.") || ae.Code != "inexistent_resource" {
		t.Fatalf("handler error: got %v", err)
	}
	// By operationId too; the later handler replaces the earlier one.
	auth0test.Handle(srv, "get_users_by_id", func(r *auth0test.Request) (model.UserResponseSchema, error) {
		return model.UserResponseSchema{Name: new("by id")}, nil
	})
	if got, err := u.GetUsersById(t.Context(), "auth0|ada", nil); err != nil || *got.Name != "by id" {
		t.Fatalf("handler by operationId: %+v, %v", got, err)
	}
}

func TestRecordedResponse(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "get_users_by_id.json"), []byte(`{"user_id":"auth0|rec","nickname":"recorded"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := auth0test.New(t, auth0test.WithRecorded(dir), auth0test.WithoutStores())
	got, err := connect(t, srv).GetUsersById(t.Context(), "auth0|rec", nil)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Nickname != "recorded" || *got.UserId != "auth0|rec" {
		t.Fatalf("got %+v, want the recorded user", got)
	}
}

func TestSynthesizedDefault(t *testing.T) {
	srv := auth0test.New(t, auth0test.WithoutStores())
	if _, err := connect(t, srv).GetUsersById(t.Context(), "auth0|any", nil); err != nil {
		t.Fatalf("the schema-valid default answer did not decode: %v", err)
	}
}

func TestFault429Retried(t *testing.T) {
	srv := auth0test.New(t)
	srv.Fail("GET /users/{id}", auth0test.Fault{Status: http.StatusTooManyRequests, Times: 1})
	auth0test.Handle(srv, "GET /users/{id}", func(r *auth0test.Request) (model.UserResponseSchema, error) {
		return model.UserResponseSchema{Name: new("after the retry")}, nil
	})
	got, err := connect(t, srv).GetUsersById(t.Context(), "auth0|x", nil)
	if err != nil || *got.Name != "after the retry" {
		t.Fatalf("got %+v, %v; want the client to retry the 429", got, err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Fatalf("the kit received %d requests, want 2 (the 429, then the retry)", n)
	}
}

func TestFault429Headers(t *testing.T) {
	srv := auth0test.New(t)
	srv.Fail("get_users_by_id", auth0test.Fault{Status: http.StatusTooManyRequests, RetryAfter: 3_000_000_000})
	conn, err := auth0.Connect(srv.Domain(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Sent without the retrying client, to see the 429 itself.
	req, _ := http.NewRequest("GET", srv.URL()+"/users/x", nil)
	tok, _ := conn.Source().Token(t.Context())
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	raw, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw.Body.Close()
	if raw.StatusCode != 429 || raw.Header.Get("Retry-After") != "3" || raw.Header.Get("X-RateLimit-Reset") == "" || raw.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("429 answer: %d %v", raw.StatusCode, raw.Header)
	}
}

func TestFault401Refresh(t *testing.T) {
	srv := auth0test.New(t, auth0test.WithoutStores())
	srv.Fail("GET /users/{id}", auth0test.Fault{Status: http.StatusUnauthorized, Times: 1})
	u := connect(t, srv)
	if _, err := u.GetUsersById(t.Context(), "auth0|x", nil); err != nil {
		t.Fatalf("want the client to refresh its token after the 401: %v", err)
	}
	if n := srv.TokensIssued(); n != 2 {
		t.Fatalf("tokens issued = %d, want 2 (the revoked one and its replacement)", n)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Header.Get("Authorization") == reqs[1].Header.Get("Authorization") {
		t.Fatalf("want 2 requests with different tokens, got %d", len(reqs))
	}
	// The revoked token is refused from now on.
	req, _ := http.NewRequest("GET", srv.URL()+"/users/x", nil)
	req.Header.Set("Authorization", reqs[0].Header.Get("Authorization"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("the revoked token got %d, want 401", resp.StatusCode)
	}
}

func TestFault5xxNTimes(t *testing.T) {
	srv := auth0test.New(t, auth0test.WithoutStores())
	srv.Fail("GET /users/{id}", auth0test.Fault{Status: http.StatusServiceUnavailable, Times: 2})
	if _, err := connect(t, srv).GetUsersById(t.Context(), "auth0|x", nil); err != nil {
		t.Fatalf("want the client to retry two 503s: %v", err)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Fatalf("requests = %d, want 3", n)
	}
}

func TestRequestRecordingAndStore(t *testing.T) {
	srv := auth0test.New(t)
	u := connect(t, srv)
	created, err := u.PostUsers(t.Context(), nil, users.CreateUserRequestContent{
		Connection: "Username-Password-Authentication", Email: new("grace@example.com"), Password: new("Passw0rd!-Passw0rd"),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := u.GetUsersById(t.Context(), *created.UserId, nil)
	if err != nil || *got.Email != "grace@example.com" {
		t.Fatalf("the store did not keep the user: %+v, %v", got, err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("recorded %d requests, want 2", len(reqs))
	}
	post := reqs[0]
	if post.Method != "POST" || post.Path != "/api/v2/users" || post.Operation != "post_users" || post.Template != "/users" {
		t.Fatalf("recorded %s %s %s %s", post.Method, post.Path, post.Operation, post.Template)
	}
	body, err := auth0test.Decode[users.CreateUserRequestContent](post)
	if err != nil || body.Connection != "Username-Password-Authentication" || *body.Email != "grace@example.com" {
		t.Fatalf("decoded %+v, %v", body, err)
	}
	if reqs[1].Operation != "get_users_by_id" || reqs[1].PathParam("id") != *created.UserId {
		t.Fatalf("recorded %s with id %q", reqs[1].Operation, reqs[1].PathParam("id"))
	}
}

// fakeTB records what the kit reports instead of failing the test, so a
// test can assert the kit's messages.
type fakeTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatals []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatal(args ...any)                 { f.fatalf("%s", fmt.Sprint(args...)) }
func (f *fakeTB) Fatalf(format string, args ...any) { f.fatalf(format, args...) }
func (f *fakeTB) fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatals = append(f.fatals, fmt.Sprintf(format, args...))
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.errors...)
}

func TestInvalidRequestFailsTheTest(t *testing.T) {
	ft := &fakeTB{TB: t}
	srv := auth0test.New(ft)
	conn, err := auth0.Connect(srv.Domain(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, tc := range []struct{ body, member, reason string }{
		{`{"connection":"c","email":5}`, "/email", "value must be a string"},
		{`{"email":"a@example.com"}`, "connection", `property "connection" is missing`},
	} {
		before := len(ft.got())
		resp, err := conn.HTTPClient().Post(srv.URL()+"/users", "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("%s: answered %d, want 400", tc.body, resp.StatusCode)
		}
		msgs := ft.got()[before:]
		if len(msgs) != 1 {
			t.Fatalf("%s: the kit reported %d errors, want 1: %q", tc.body, len(msgs), msgs)
		}
		for _, want := range []string{"post_users", "POST /api/v2/users", tc.member, tc.reason, "invalid request"} {
			if !strings.Contains(msgs[0], want) {
				t.Errorf("message %q does not name %q", msgs[0], want)
			}
		}
	}
}

func TestInvalidAnswerFailsTheTest(t *testing.T) {
	ft := &fakeTB{TB: t}
	srv := auth0test.New(ft)
	auth0test.Handle(srv, "GET /users/{id}", func(r *auth0test.Request) (map[string]any, error) {
		return map[string]any{"email": 42}, nil
	})
	_, _ = connect(t, srv).GetUsersById(t.Context(), "auth0|x", nil)
	msgs := ft.got()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "typed handler") || !strings.Contains(msgs[0], "get_users_by_id") ||
		!strings.Contains(msgs[0], "/email") || !strings.Contains(msgs[0], "must be a string") {
		t.Fatalf("the kit reported %q", msgs)
	}
}

func TestUnknownOperationIsFatal(t *testing.T) {
	ft := &fakeTB{TB: t}
	srv := auth0test.New(ft)
	for _, op := range []string{"GET /user/{id}", "getUsersById"} {
		var wg sync.WaitGroup
		wg.Go(func() {
			auth0test.Handle(srv, op, func(*auth0test.Request) (struct{}, error) { return struct{}{}, nil })
		})
		wg.Wait()
	}
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if len(ft.fatals) != 2 || !strings.Contains(ft.fatals[0], `no operation "GET /user/{id}"`) ||
		!strings.Contains(ft.fatals[1], "did you mean") || !strings.Contains(ft.fatals[1], "get_users_by_id") {
		t.Fatalf("fatals: %q", ft.fatals)
	}
}

func TestHARResponse(t *testing.T) {
	har := filepath.Join(t.TempDir(), "tenant.har")
	const doc = `{"log":{"version":"1.2","entries":[
	  {"request":{"method":"GET","url":"https://tenant.eu.auth0.com/api/v2/users/auth0%7C1"},
	   "response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"},{"name":"Set-Cookie","value":"s=1"}],
	     "content":{"mimeType":"application/json","text":"{\"user_id\":\"auth0|1\",\"nickname\":\"from the HAR\"}"}}},
	  {"request":{"method":"GET","url":"https://tenant.eu.auth0.com/nowhere"},"response":{"status":200,"content":{}}}]}}`
	if err := os.WriteFile(har, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := auth0test.New(t, auth0test.WithHAR(har), auth0test.WithoutStores())
	got, err := connect(t, srv).GetUsersById(t.Context(), "auth0|other", nil)
	if err != nil || *got.Nickname != "from the HAR" {
		t.Fatalf("got %+v, %v; want the recorded user", got, err)
	}
}

// TestStoreAnswerOutsideTheDocumentIsLogged: the store answers the last
// page of a checkpoint listing of clients as Auth0 does ({"clients":[...]}
// without "next"), which matches two branches of the document's oneOf; that
// is the document's gap, so the user's test does not fail.
func TestStoreAnswerOutsideTheDocumentIsLogged(t *testing.T) {
	ft := &fakeTB{TB: t}
	srv := auth0test.New(ft)
	conn, err := auth0.Connect(srv.Domain(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	resp, err := conn.HTTPClient().Get(srv.URL() + "/clients?take=5&from=")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("answered %d", resp.StatusCode)
	}
	if msgs := ft.got(); len(msgs) != 0 {
		t.Fatalf("the store's faithful answer failed the test: %q", msgs)
	}
}
