package contract

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// Received is a request a server received, routed to its operation and
// checked by [Spec.CheckRequest]; [Received.CheckResponse] checks the answer
// the server gives it. It is what [Spec.Transport] does for a client, on the
// server side, with the same validator and the same messages, so that a fake
// server (internal/testkit) fails its test for exactly what a validating
// client would refuse.
type Received struct {
	x *roundTrip
}

// CheckRequest routes req, a request a server received, to its operation
// (the server base paths are stripped as [WithBasePath] says, else as for
// [Spec.Transport]) and validates it. It returns the routed request, nil
// when no operation matches, and an [*Error] listing the request's
// violations (nil when there are none). Of the options, [WithBasePath],
// [MatchJSONMediaTypes] and [WithMaxBodySize] apply.
//
// A body that is validated is read into memory (up to the limit) and req.Body
// is replaced by a copy, so the handler can still read it; any other body is
// left unread.
func (s *Spec) CheckRequest(req *http.Request, opts ...Option) (*Received, error) {
	if req == nil || req.URL == nil || s == nil || s.router == nil {
		return nil, errors.New("contract: nil request, request URL or Spec")
	}
	t, _ := s.Transport(http.DefaultTransport, opts...).(*transport)
	t.cfg.report, t.cfg.drift = nil, nil
	x := &roundTrip{t: t, req: req, redact: newRedactor(req)}
	m, ok := s.route(req, t.cfg.bases)
	if !ok {
		x.add(InRequest, 0, noOperation(req, t.cfg.bases))
		return nil, &Error{Violations: x.violations}
	}
	x.m, x.op = m, operationName(m)
	out := req.Clone(req.Context())
	if err := x.request(out); err != nil {
		return nil, err
	}
	req.Body, req.ContentLength, req.GetBody = out.Body, out.ContentLength, out.GetBody
	r := &Received{x: x}
	if len(x.violations) > 0 {
		return r, &Error{Violations: x.violations}
	}
	return r, nil
}

// Operation is the operationId of the routed operation, or "METHOD
// /template" when the document gives none (as in [Violation]).
func (r *Received) Operation() string { return r.x.op }

// Route is the routed operation: its method, path template (below the
// base path), path item and operation in the document. They must not be
// modified.
func (r *Received) Route() *routers.Route { return r.x.m.route }

// PathParams are the path parameters of the request, by name, decoded
// (routing matches the decoded path).
func (r *Received) PathParams() map[string]string { return r.x.m.params }

// CheckResponse validates the answer a server gives to the request: its
// status, header and whole body. It returns an [*Error] listing the
// response's violations, nil when there are none.
func (r *Received) CheckResponse(status int, header http.Header, body []byte) error {
	x := r.x
	x.violations = nil
	if header == nil {
		header = http.Header{}
	}
	resp := &http.Response{
		StatusCode: status, Header: header, Request: x.req,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
	}
	if len(body) == 0 {
		resp.Body = http.NoBody
	}
	if err := x.response(resp); err != nil {
		return err
	}
	if len(x.violations) > 0 {
		return &Error{Violations: x.violations}
	}
	return nil
}

// Document is the loaded document, as adjusted by [Load]. It is shared by
// every user of the Spec and must not be modified.
func (s *Spec) Document() *openapi3.T { return s.doc }
