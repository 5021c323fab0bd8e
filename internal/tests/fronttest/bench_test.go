package fronttest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/auth"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/option"
	"github.com/mgmtapi/mgmtapi/retry"
)

// canned answers every request with the same GET /users list, without a
// network: what remains is the client's own cost per request.
type canned struct{ body []byte }

func (c canned) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:    io.NopCloser(bytes.NewReader(c.body)),
		Request: req}, nil
}

var usersBody = []byte(`[{"user_id":"auth0|1","email":"ada@example.com","name":"Ada","app_metadata":{"plan":"pro"}},` +
	`{"user_id":"auth0|2","email":"alan@example.com","name":"Alan"},{"user_id":"auth0|3","email":"grace@example.com","name":"Grace"}]`)

// BenchmarkGetUsers compares, side by side, GET /users with three query
// parameters (page, per_page, q) decoded to the user list:
//
//   - generated: the generated ClientWithResponses on the canned
//     RoundTripper alone (no auth, no retry), response parsed, not decoded
//     further;
//   - generated+stack: the same behind the auth and retry transports the
//     front door uses, plus apierror.Checked and the union accessor that
//     yields the list;
//   - generated+editor: the generated client authenticated by the token
//     Source's request editor (the README's "tokens only" path), checked
//     and decoded to the list;
//   - frontdoor-noretry: auth0.API.GetUsers without the retry transport
//     (auth transport only);
//   - frontdoor: auth0.API.GetUsers on the same stack as generated+stack.
func BenchmarkGetUsers(b *testing.B) {
	ts := tokens(b, "/oauth/token", "bench-auth0", secret, testenv.AuthPost, testenv.TokenServerOptions{
		TTL: ttl, MapAudience: true, Resources: map[string]testenv.Resource{"https://" + domain + "/api/v2/": {TTL: ttl}},
	})
	cfg := auth.Auth0(domain, "bench-auth0", secret)
	cfg.TokenURL = ts.TokenURL
	src, err := auth.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Token(context.Background()); err != nil { // fill the cache before timing
		b.Fatal(err)
	}
	rt := canned{body: usersBody}
	params := func() *auth0.GetUsersParams {
		return &auth0.GetUsersParams{Page: new(0), PerPage: new(50), Q: new(`email:"ada@example.com"`)}
	}

	b.Run("generated", func(b *testing.B) {
		c, err := auth0.NewClientWithResponses("https://"+domain+"/api/v2", auth0.WithHTTPClient(&http.Client{Transport: rt}))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			r, err := c.GetUsersWithResponse(context.Background(), params())
			if err != nil || r.JSON200 == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("generated+editor", func(b *testing.B) {
		c, err := auth0.NewClientWithResponses("https://"+domain+"/api/v2", auth0.WithHTTPClient(&http.Client{Transport: rt}),
			auth0.WithRequestEditorFn(src.RequestEditor()))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			r, err := apierror.Checked(c.GetUsersWithResponse(context.Background(), params()))
			if err != nil {
				b.Fatal(err)
			}
			if users, err := r.JSON200.AsListUsersResponseContent0(); err != nil || len(users) != 3 {
				b.Fatal(err)
			}
		}
	})
	b.Run("frontdoor-noretry", func(b *testing.B) {
		c, err := auth0.NewAPI(domain, "unused", "unused", option.WithSource(src), option.WithHTTPClient(&http.Client{Transport: rt}), option.WithoutRetry())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			users, err := c.GetUsers(context.Background(), params())
			if err != nil || len(users) != 3 {
				b.Fatal(err)
			}
		}
	})
	b.Run("generated+stack", func(b *testing.B) {
		hc := &http.Client{Transport: &retry.Transport{Base: src.Transport(rt)}}
		c, err := auth0.NewClientWithResponses("https://"+domain+"/api/v2", auth0.WithHTTPClient(hc))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			r, err := apierror.Checked(c.GetUsersWithResponse(context.Background(), params()))
			if err != nil {
				b.Fatal(err)
			}
			if users, err := r.JSON200.AsListUsersResponseContent0(); err != nil || len(users) != 3 {
				b.Fatal(err)
			}
		}
	})
	b.Run("frontdoor", func(b *testing.B) {
		c, err := auth0.NewAPI(domain, "unused", "unused", option.WithSource(src), option.WithHTTPClient(&http.Client{Transport: rt}))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			users, err := c.GetUsers(context.Background(), params())
			if err != nil || len(users) != 3 {
				b.Fatal(err)
			}
		}
	})
}
