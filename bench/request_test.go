package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/auth0/go-auth0/management"
	"github.com/mgmtapi/mgmtapi/auth0"
	"github.com/mgmtapi/mgmtapi/auth0/users"
	"github.com/mgmtapi/mgmtapi/option"
)

// domain is the tenant every client of the per-request benchmark talks to;
// nothing leaves the process (recorded transport).
const domain = "bench-tenant.eu.auth0.com"

// recorded is an in-process http.RoundTripper answering GET
// /api/v2/users with a recorded page and POST /oauth/token with a day-long
// token, so a request costs what the client does and nothing on the wire.
// It counts the requests it answered.
type recorded struct {
	page   []byte
	users  atomic.Int64
	tokens atomic.Int64
}

var (
	tokenBody = []byte(`{"access_token":"bench-access-token","token_type":"Bearer","expires_in":86400}`)
	// jsonHeader is every answer's header; no client changes it.
	jsonHeader = http.Header{"Content-Type": {"application/json; charset=utf-8"}}
)

func (t *recorded) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	body := t.page
	switch {
	case req.URL.Path == "/oauth/token":
		t.tokens.Add(1)
		body = tokenBody
	case req.URL.Path == "/api/v2/users" && req.Header.Get("Authorization") == "Bearer bench-access-token":
		t.users.Add(1)
	default:
		return &http.Response{StatusCode: 404, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	}
	// Two allocations per answer (the response and its body), the same for
	// every client.
	return &http.Response{
		StatusCode:    200,
		Header:        jsonHeader,
		Body:          &recordedBody{Reader: *bytes.NewReader(body)},
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

// recordedBody is a response body over a recorded page.
type recordedBody struct{ bytes.Reader }

func (*recordedBody) Close() error { return nil }

// requestPages are the recorded answers of the per-request benchmark, pages
// with totals: the empty one measures what a request costs besides
// decoding users, the other adds one user.
var requestPages = []struct {
	name  string
	users int
}{{"empty", 0}, {"1user", 1}}

// ours is mgmtapi's front door with retries (the default), its token fetched
// once from the recorded endpoint and cached.
func ours(tb testing.TB, rt http.RoundTripper) func(context.Context) (int, error) {
	conn, err := auth0.Connect(domain, "bench-client", "bench-secret", option.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	c := users.New(conn)
	params := &users.GetUsersParams{Page: new(0), PerPage: new(50)}
	return func(ctx context.Context) (int, error) {
		p, err := c.GetUsersWithTotals(ctx, params)
		return len(p.Items), err
	}
}

// v1 is go-auth0 v1's management client with a static token (v1 asks for
// include_totals=true itself).
func v1(tb testing.TB, rt http.RoundTripper) func(context.Context) (int, error) {
	m, err := management.New(domain, management.WithStaticToken("bench-access-token"),
		management.WithClient(&http.Client{Transport: rt}), management.WithNoAuth0ClientInfo())
	if err != nil {
		tb.Fatal(err)
	}
	return func(ctx context.Context) (int, error) {
		l, err := m.User.List(ctx, management.Page(0), management.PerPage(50))
		if err != nil {
			return 0, err
		}
		return len(l.Users), nil
	}
}

// TestRequest checks that every client of the per-request benchmark sends
// GET /users with the token and decodes the one user, and that ours fetched
// the token once.
func TestRequest(t *testing.T) {
	for name, build := range requestClients() {
		for _, p := range requestPages {
			rt := &recorded{page: usersPage(p.users, false)}
			do := build(t, rt)
			for range 3 {
				if n, err := do(context.Background()); err != nil || n != p.users {
					t.Fatalf("%s/%s: %d users, %v; want %d", name, p.name, n, err, p.users)
				}
			}
			if got := rt.users.Load(); got != 3 {
				t.Errorf("%s/%s: %d GET /users reached the transport, want 3", name, p.name, got)
			}
			if got := rt.tokens.Load(); got > 1 {
				t.Errorf("%s/%s: %d token requests, want at most 1 (cached)", name, p.name, got)
			}
		}
	}
}

// BenchmarkGetUsers sends GET /users?page=0&per_page=50 (with totals)
// through each client over the recorded transport, the token already
// cached, and decodes the page.
func BenchmarkGetUsers(b *testing.B) {
	for _, p := range requestPages {
		for _, name := range []string{"mgmtapi", "go-auth0-v1", "ogen"} {
			build, ok := requestClients()[name]
			if !ok {
				continue
			}
			b.Run(p.name+"/"+name, func(b *testing.B) { benchRequest(b, build, usersPage(p.users, false), p.users) })
		}
	}
}

func benchRequest(b *testing.B, build func(testing.TB, http.RoundTripper) func(context.Context) (int, error), page []byte, users int) {
	rt := &recorded{page: page}
	do := build(b, rt)
	ctx := context.Background()
	if _, err := do(ctx); err != nil { // fetch the token before timing
		b.Fatal(err)
	}
	loop(b, func() error {
		if n, err := do(ctx); err != nil || n != users {
			return fmt.Errorf("%d users, want %d: %v", n, users, err)
		}
		return nil
	})
}
