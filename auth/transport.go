package auth

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact"
)

// RequestEditor returns a function that sets "Authorization: Bearer <token>"
// on a request. It fits the RequestEditorFn of every generated client
// (WithRequestEditorFn). While the cached token is fresh it costs one
// monotonic clock read, no allocation per request (one 4 KiB allocation per
// 255 requests gives each request its own header value slice) and no write
// to memory shared with parallel callers. It does not replay requests on
// 401; use Transport for that.
//
// An editor runs once per call, before the client follows redirects, so it
// cannot keep the token on its origin: net/http drops Authorization on a
// redirect to another host name, but keeps it for another port, a switch to
// plain http and subdomains. Give the client CheckRedirect (refuses any
// redirect off the origin), or use Transport, which checks every hop.
func (s *Source) RequestEditor() func(ctx context.Context, req *http.Request) error {
	return func(ctx context.Context, req *http.Request) error {
		e, err := s.get(ctx)
		if err != nil {
			return err
		}
		if req.Header == nil {
			req.Header = make(http.Header)
		}
		req.Header["Authorization"] = s.headers.value(e.header) // canonical key; this request's own slice
		return nil
	}
}

// Transport returns a RoundTripper that sends each request through base
// (http.DefaultTransport if nil) with the Source's token. When the answer is
// 401 it invalidates the token it sent and, if the request has no body or its
// body can be recreated (Request.GetBody), sends it once more with a new
// token. It never replays more than once. When the new token is refused as
// well, the Source backs off (see Invalidate): until the backoff ends, 401
// answers are returned as they are, without fetching tokens or replaying.
//
// The token goes only to the origin (scheme, host and port) of the request
// the caller made: a redirect the client follows to another origin is sent
// without the token (and without any Authorization header copied onto it),
// whatever the client's redirect policy. TransportFor also keeps the token
// off requests the caller makes to other origins.
func (s *Source) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{s: s, base: base}
}

// TransportFor is Transport bound to the origin (scheme, host and port) of
// server, the API's base URL: only requests to that origin carry the token;
// any other request, a redirect or not, is sent without it. The front doors
// use it with their base URL.
func (s *Source) TransportFor(server string, base http.RoundTripper) (http.RoundTripper, error) {
	origin, err := parseOrigin(server)
	if err != nil {
		return nil, err
	}
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{s: s, base: base, origin: origin}, nil
}

type transport struct {
	s    *Source
	base http.RoundTripper
	// origin is where the token may go; nil means the origin of the
	// request that started each redirect chain.
	origin *url.URL
}

// mayAuthenticate reports whether req goes to the origin the token is for.
func (t *transport) mayAuthenticate(req *http.Request) bool {
	want := t.origin
	if want == nil {
		want = chainStart(req)
	}
	return sameOrigin(want, req.URL)
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.mayAuthenticate(req) {
		return t.base.RoundTrip(withoutAuth(req))
	}
	e, err := t.s.get(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	resp, err := t.base.RoundTrip(withAuth(req, t.s.headers.value(e.header)))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		if err == nil {
			t.s.accepted(e)
		}
		return resp, err
	}
	if !t.s.invalidate(e.token.AccessToken) {
		return resp, nil // fresh tokens are refused too: backing off
	}
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	if !replayable {
		return resp, nil
	}
	e2, err := t.s.get(req.Context())
	if err != nil {
		// No new token: the 401 is the most useful answer.
		return resp, nil
	}
	r2 := withAuth(req, t.s.headers.value(e2.header))
	if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return resp, nil
		}
		r2.Body = body
	}
	t.s.o.metrics.Replayed(req.Context())
	if l := t.s.o.logger; l != nil {
		l.LogAttrs(req.Context(), slog.LevelInfo, "auth: 401 answered, replaying once with a new token",
			slog.String("method", req.Method), slog.String("url", redact.URL(req.URL)))
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 4096)
	resp.Body.Close()
	resp2, err := t.base.RoundTrip(r2)
	if err == nil {
		if resp2.StatusCode == http.StatusUnauthorized {
			t.s.invalidate(e2.token.AccessToken) // a replacement refused: back off
		} else {
			t.s.accepted(e2)
		}
	}
	return resp2, err
}

// withoutAuth returns req, or for a redirect that carries an Authorization
// header (net/http copies the first request's headers onto redirects within
// a host name and its subdomains) a shallow copy without it.
func withoutAuth(req *http.Request) *http.Request {
	if req.Response == nil || req.Header.Get("Authorization") == "" {
		return req
	}
	r := new(http.Request)
	*r = *req
	r.Header = req.Header.Clone()
	r.Header.Del("Authorization")
	return r
}

// withAuth returns a shallow copy of req with its own header map carrying
// the Authorization value; a RoundTripper must not modify its request.
func withAuth(req *http.Request, values []string) *http.Request {
	r := new(http.Request)
	*r = *req
	r.Header = req.Header.Clone()
	if r.Header == nil {
		r.Header = make(http.Header, 1)
	}
	r.Header["Authorization"] = values // this request's own slice; see headerSlabs
	return r
}
