package auth

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"github.com/mgmtapi/mgmtapi/internal/redact"
)

// RequestEditor returns a function that sets "Authorization: Bearer <token>"
// on a request. It fits the RequestEditorFn of every generated client
// (WithRequestEditorFn). While the cached token is fresh it costs one atomic
// load and one small allocation (the header value slice). It does not replay
// requests on 401; use Transport for that.
func (s *Source) RequestEditor() func(ctx context.Context, req *http.Request) error {
	return func(ctx context.Context, req *http.Request) error {
		e, err := s.get(ctx)
		if err != nil {
			return err
		}
		if req.Header == nil {
			req.Header = make(http.Header)
		}
		req.Header["Authorization"] = e.headerValues // canonical key; no allocation
		return nil
	}
}

// Transport returns a RoundTripper that sends each request through base
// (http.DefaultTransport if nil) with the Source's token. When the answer is
// 401 it invalidates the token it sent and, if the request has no body or its
// body can be recreated (Request.GetBody), sends it once more with a new
// token. It never replays more than once.
func (s *Source) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{s: s, base: base}
}

type transport struct {
	s    *Source
	base http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	e, err := t.s.get(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	resp, err := t.base.RoundTrip(withAuth(req, e.headerValues))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	t.s.Invalidate(e.token.AccessToken)
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	if !replayable {
		return resp, nil
	}
	e2, err := t.s.get(req.Context())
	if err != nil {
		// No new token: the 401 is the most useful answer.
		return resp, nil
	}
	r2 := withAuth(req, e2.headerValues)
	if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return resp, nil
		}
		r2.Body = body
	}
	t.s.o.m.replayed(req.Context())
	if l := t.s.o.logger; l != nil {
		l.LogAttrs(req.Context(), slog.LevelInfo, "auth: 401 answered, replaying once with a new token",
			slog.String("method", req.Method), slog.String("url", redact.URL(req.URL)))
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 4096)
	resp.Body.Close()
	return t.base.RoundTrip(r2)
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
	r.Header["Authorization"] = values // the entry's shared value; see entry.headerValues
	return r
}
