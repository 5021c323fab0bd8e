package auth

import (
	"context"
	"net/http"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// cannedRT answers every request with one response, so Transport benchmarks
// measure only the token injection.
type cannedRT struct{ resp *http.Response }

func (c cannedRT) RoundTrip(*http.Request) (*http.Response, error) { return c.resp, nil }

// BenchmarkCachedPath compares putting a cached token on a request with
// this package and with golang.org/x/oauth2, side by side in one run:
//
//	go test -run '^$' -bench CachedPath -benchmem ./auth
//
// make bench-auth prints the full comparison, including waits at refresh.
func BenchmarkCachedPath(b *testing.B) {
	te := newTokenEndpoint(b, 3600, nil)
	src := mustNew(b, testConfig(te.URL))
	canned := cannedRT{resp: &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}}
	cc := &clientcredentials.Config{ClientID: "client-1", ClientSecret: testSecret, TokenURL: te.URL, AuthStyle: oauth2.AuthStyleInHeader}
	reuse := oauth2.ReuseTokenSource(nil, cc.TokenSource(context.Background()))
	ctx := context.Background()
	req, _ := http.NewRequest(http.MethodGet, "http://api.invalid/v1/users", nil)
	if _, err := src.Token(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := reuse.Token(); err != nil {
		b.Fatal(err)
	}
	editor := src.RequestEditor()
	ours := src.Transport(canned)
	theirs := &oauth2.Transport{Source: reuse, Base: canned}

	b.Run("mgmtapi/RequestEditor", func(b *testing.B) {
		b.ReportAllocs()
		r := req.Clone(ctx)
		for b.Loop() {
			if err := editor(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("x-oauth2/ReuseTokenSource+SetAuthHeader", func(b *testing.B) {
		b.ReportAllocs()
		r := req.Clone(ctx)
		for b.Loop() {
			t, err := reuse.Token()
			if err != nil {
				b.Fatal(err)
			}
			t.SetAuthHeader(r)
		}
	})
	b.Run("x-oauth2/ReuseTokenSource.Token", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := reuse.Token(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("mgmtapi/Transport", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = ours.RoundTrip(req)
		}
	})
	b.Run("x-oauth2/Transport", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = theirs.RoundTrip(req)
		}
	})
	b.Run("mgmtapi/RequestEditor-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			r := req.Clone(ctx)
			for pb.Next() {
				_ = editor(ctx, r)
			}
		})
	})
	b.Run("x-oauth2/ReuseTokenSource-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			r := req.Clone(ctx)
			for pb.Next() {
				t, _ := reuse.Token()
				t.SetAuthHeader(r)
			}
		})
	})
	b.Run("x-oauth2/ReuseTokenSource.Token-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_, _ = reuse.Token()
			}
		})
	})
	if n := te.requests.Load(); n != 2 {
		b.Fatalf("%d token requests, want 2", n)
	}
}
