package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Option configures a transport made by [Spec.Transport].
type Option func(*config)

type config struct {
	bases     []basePath
	report    func(*Error)
	drift     *Drift
	maxBody   int64
	jsonAlias bool
}

// WithBasePath tells the transport which server base path to strip from
// request paths before routing, for example "/api/v2" for Auth0 or
// "/t/{org}/scim2" for Asgardeo (a {variable} segment matches any one path
// segment). Several base paths may be given; the first one that yields a
// route wins. With this option, only these base paths are tried and a path
// that starts with none of them has no operation.
//
// Without it, the path is routed as it is (which suits a mock server such as
// Prism, which serves the document's paths without a base path) and then with
// the base path of each server the document declares removed (which suits the
// real server).
func WithBasePath(paths ...string) Option {
	return func(c *config) {
		for _, p := range paths {
			if b, ok := parseBasePath(p); ok {
				c.bases = append(c.bases, b)
			}
		}
	}
}

// ReportOnly makes the transport pass the violations of each exchange to
// report instead of failing it: invalid requests are sent anyway, and
// responses are returned to the caller whatever they hold. report is called
// at most once per exchange, after the response was validated (or the
// request failed), from the goroutine that called RoundTrip, so it must be
// safe for concurrent use when the client is. Use it to record
// violations in a suite that deliberately sends bad requests, or to log them
// against a real server.
func ReportOnly(report func(*Error)) Option {
	return func(c *config) { c.report = report }
}

// MatchJSONMediaTypes makes the transport treat application/json and the
// structured-syntax "+json" media types (RFC 6839, for example
// application/scim+json or application/problem+json) as interchangeable when
// it looks up the schema of a request or response body: a body whose media
// type the operation does not declare is validated against the operation's
// JSON media type, if it declares one. The headers sent and returned are not
// changed.
//
// Use it when the document and the server disagree only on the JSON flavour,
// for example a document rewritten to application/json for code generation
// checked against a real SCIM server that answers application/scim+json.
func MatchJSONMediaTypes() Option {
	return func(c *config) { c.jsonAlias = true }
}

// Transport returns an [http.RoundTripper] that validates each request
// against s, sends it with base (http.DefaultTransport when nil), and
// validates the response. It is cheap: make one per client or per test.
//
// By default a request that does not match the document is not sent:
// RoundTrip returns an [*Error] and no response. A response that does not
// match is closed and RoundTrip returns an [*Error] and no response. See
// [ReportOnly] to let such exchanges through.
//
// Only bodies that are validated are read into memory (up to
// [WithMaxBodySize]) and handed on as a copy: JSON, form and text bodies
// with a schema to check. Every other body (application/octet-stream,
// text/event-stream, binary strings, media types with no schema or no
// decoder) streams through unread, in bounded memory. Either way the server
// receives the whole request body and the caller reads the whole response
// body. The request passed in is not modified, except that its body is
// consumed and closed, as the RoundTripper contract requires.
func (s *Spec) Transport(base http.RoundTripper, opts ...Option) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	t := &transport{spec: s, base: base}
	for _, o := range opts {
		if o != nil {
			o(&t.cfg)
		}
	}
	t.opts = &openapi3filter.Options{
		// Report every request violation, not only the first.
		MultiError: true,
		// A status the operation does not declare (and no default
		// response covers) is a violation.
		IncludeResponseStatus: true,
		// Never rewrite the request with schema defaults.
		SkipSettingDefaults:               true,
		RejectWhenRequestBodyNotSpecified: true,
		AuthenticationFunc:                authenticate,
		RegexCompiler:                     compileRegex,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidator("uuid", uuidFormat{}),
			// Response validation ignores Options.RegexCompiler.
			openapi3.SetSchemaRegexCompiler(compileRegex),
		},
	}
	noBody := *t.opts
	noBody.ExcludeResponseBody = true
	t.optsNoBody = &noBody
	if t.cfg.drift != nil {
		t.cfg.drift.bind(s.doc.IsOpenAPI31OrLater())
	}
	noReqBody := *t.opts
	noReqBody.ExcludeRequestBody = true
	t.optsNoReqBody = &noReqBody
	return t
}

type transport struct {
	spec       *Spec
	base       http.RoundTripper
	cfg        config
	opts       *openapi3filter.Options
	optsNoBody *openapi3filter.Options
	// optsNoReqBody validates a request whose body streams unread.
	optsNoReqBody *openapi3filter.Options
}

// decodable tells whether kin-openapi can decode a body of media type ct, so
// that it may be worth reading the body into memory (see validated).
func decodable(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case mt == "":
		return true
	case mt == "text/event-stream":
		return false
	case strings.HasSuffix(mt, "+json"):
		return true
	}
	return openapi3filter.RegisteredBodyDecoder(mt) != nil
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req == nil || req.URL == nil || t.spec == nil || t.spec.router == nil {
		if req != nil && req.Body != nil {
			req.Body.Close()
		}
		return nil, errors.New("contract: nil request, request URL or Spec")
	}
	ctx := req.Context()
	x := &roundTrip{t: t, req: req, redact: newRedactor(req)}

	m, ok := t.spec.route(req, t.cfg.bases)
	out := req.Clone(ctx)
	if !ok {
		x.add(InRequest, 0, noOperation(req, t.cfg.bases))
		if d := t.cfg.drift; d != nil {
			d.noOperation(req.Method, req.URL.Path)
		}
	} else {
		x.m = m
		x.op = operationName(m)
		if err := x.request(out); err != nil {
			return nil, err
		}
	}

	if len(x.violations) > 0 && t.failing() {
		closeBody(out.Body)
		return nil, &Error{Violations: x.violations}
	}

	resp, err := t.base.RoundTrip(out)
	if err != nil {
		t.reportIfAny(x.violations)
		return resp, err
	}

	if x.input != nil && resp != nil {
		if err := x.response(resp); err != nil {
			t.reportIfAny(x.violations)
			return nil, err
		}
	}

	if len(x.violations) > 0 {
		if t.failing() {
			if resp != nil && resp.Body != nil {
				resp.Body.Close()
			}
			return nil, &Error{Violations: x.violations}
		}
		if t.cfg.report != nil {
			t.cfg.report(&Error{Violations: x.violations})
		}
	}
	return resp, nil
}

// failing tells whether a violation fails the exchange (neither ReportOnly
// nor Observe).
func (t *transport) failing() bool { return t.cfg.report == nil && t.cfg.drift == nil }

func (t *transport) maxBody() int64 {
	if t.cfg.maxBody > 0 {
		return t.cfg.maxBody
	}
	return DefaultMaxBodySize
}

// roundTrip is the state of one RoundTrip call.
type roundTrip struct {
	t          *transport
	req        *http.Request
	redact     *redactor
	m          *routeMatch
	op         string
	input      *openapi3filter.RequestValidationInput
	violations []Violation
}

func (x *roundTrip) add(where Where, status int, msgs ...string) {
	for _, msg := range msgs {
		x.violations = append(x.violations, Violation{
			Where: where, Method: x.req.Method, Path: x.req.URL.Path,
			Operation: x.op, Status: status, Message: x.redact.clean(msg),
		})
	}
}

// request validates the routed request and prepares out's body: a body that
// is validated is buffered (up to the limit), any other body is streamed to
// the server as it is.
func (x *roundTrip) request(out *http.Request) error {
	t, m, req := x.t, x.m, x.req
	ctx := req.Context()
	opts := t.opts
	body := req.Body
	hasBody := body != nil && body != http.NoBody
	var rb *openapi3.RequestBody
	if ref := m.route.Operation.RequestBody; ref != nil {
		rb = ref.Value
	}
	if t.cfg.jsonAlias && rb != nil {
		aliasJSON(m.req.Header, rb.Content)
	}
	ct := m.req.Header.Get("Content-Type")
	var mt *openapi3.MediaType
	var mtKey string
	if rb != nil {
		mtKey, mt = contentKey(rb.Content, ct)
	}

	var data []byte
	buffered := false
	switch {
	case !hasBody:
		m.req.Body, m.req.ContentLength = http.NoBody, 0
	case rb == nil:
		// No body declared: only whether one is sent matters.
		empty, b, err := peekEmpty(body)
		if err != nil {
			return fmt.Errorf("contract: read request body of %s %s: %w", req.Method, req.URL.Path, err)
		}
		out.Body = b
		if !empty {
			x.add(InRequest, 0, "request body not allowed for this request")
		}
		opts = t.optsNoReqBody
	case ct != "" && mt == nil:
		x.add(InRequest, 0, fmt.Sprintf("request Content-Type %q is not declared", ct))
		opts = t.optsNoReqBody
	case ct != "" && !validated(ct, mt):
		opts = t.optsNoReqBody
	default:
		d, over, err := readLimited(body, t.maxBody())
		if err != nil {
			return fmt.Errorf("contract: read request body of %s %s: %w", req.Method, req.URL.Path, err)
		}
		if over {
			x.add(InRequest, 0, "request "+tooLarge(t.maxBody()))
			out.Body = prefixed(d, body)
			opts = t.optsNoReqBody
			break
		}
		data, buffered = d, true
		setBody(out, data)
		setBody(m.req, data)
	}

	if !buffered && hasBody {
		// The body streams to the server: the validator must not touch it.
		m.req.Body, m.req.ContentLength, m.req.GetBody = http.NoBody, 0, nil
	}
	x.input = &openapi3filter.RequestValidationInput{
		Request:    m.req,
		PathParams: m.params,
		Route:      m.route,
		Options:    opts,
	}
	if err := guard(func() error { return openapi3filter.ValidateRequest(ctx, x.input) }); err != nil {
		x.add(InRequest, 0, messages(dropUndecodable(err))...)
	}
	if d := t.cfg.drift; d != nil && buffered && mt != nil && isJSONMediaType(mediaType(ct)) {
		loc := operationPointer(m) + "/requestBody"
		if ref := m.route.Operation.RequestBody; ref != nil && strings.HasPrefix(ref.Ref, "#/") {
			loc = ref.Ref[1:]
		}
		d.observeBody(x.site(InRequest, 0, mediaType(ct)), data, mt.Schema, loc+"/content/"+escapePointer(mtKey)+"/schema")
	}
	return nil
}

// response validates resp and, when its body is validated, replaces it with
// the buffered copy; any other body is left to stream to the caller.
func (x *roundTrip) response(resp *http.Response) error {
	t, m, req := x.t, x.m, x.req
	ctx := req.Context()
	header := resp.Header
	respKey, respRef := responseFor(m.route.Operation, resp.StatusCode)
	var content openapi3.Content
	if respRef != nil && respRef.Value != nil {
		content = respRef.Value.Content
	}
	if t.cfg.jsonAlias {
		header = header.Clone()
		if header == nil {
			header = http.Header{}
		}
		aliasJSON(header, content)
	}
	ct := header.Get("Content-Type")
	mtKey, mt := contentKey(content, ct)
	d := t.cfg.drift
	declared := respRef != nil && (respKey != "default" || resp.StatusCode >= 400)
	hasBody := resp.Body != nil && resp.Body != http.NoBody
	isJSON := isJSONMediaType(mediaType(ct))

	opts := t.opts
	var data []byte
	buffered := false
	switch {
	case !hasBody:
	case d != nil && isJSON && (!declared || len(content) == 0):
		// Observing: read what the document does not declare, to infer
		// its schema.
		b, over, err := readLimited(resp.Body, t.maxBody())
		if err != nil {
			return fmt.Errorf("contract: read response body of %s %s: %w", req.Method, req.URL.Path, err)
		}
		if over {
			x.add(InResponse, resp.StatusCode, "response "+tooLarge(t.maxBody()))
			resp.Body = prefixed(b, resp.Body)
			opts = t.optsNoBody
			break
		}
		data, buffered = b, true
		resp.Body = io.NopCloser(bytes.NewReader(data))
	case len(content) == 0:
		// Nothing declared to check the body against (kin-openapi
		// ignores it): stream it.
		opts = t.optsNoBody
	case ct != "" && mt == nil:
		x.add(InResponse, resp.StatusCode, fmt.Sprintf("response Content-Type %q is not declared", ct))
		opts = t.optsNoBody
	case ct != "" && !validated(ct, mt):
		// A stream (text/event-stream), octet-stream or a body there is
		// no schema to check: leave it to the caller unread.
		opts = t.optsNoBody
	default:
		b, over, err := readLimited(resp.Body, t.maxBody())
		if err != nil {
			return fmt.Errorf("contract: read response body of %s %s: %w", req.Method, req.URL.Path, err)
		}
		if over {
			x.add(InResponse, resp.StatusCode, "response "+tooLarge(t.maxBody()))
			resp.Body = prefixed(b, resp.Body)
			opts = t.optsNoBody
			break
		}
		data, buffered = b, true
		resp.Body = io.NopCloser(bytes.NewReader(data))
	}

	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: x.input,
		Status:                 resp.StatusCode,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(data)),
		Options:                opts,
	}
	if err := guard(func() error { return openapi3filter.ValidateResponse(ctx, rin) }); err != nil {
		x.add(InResponse, resp.StatusCode, messages(dropUndecodable(err))...)
	}

	if d != nil {
		site := x.site(InResponse, resp.StatusCode, mediaType(ct))
		d.count(site)
		var jsonBody []byte
		if buffered && isJSON {
			jsonBody = data
		}
		responses := operationPointer(m) + "/responses"
		switch {
		case !declared:
			d.observeStatus(site, jsonBody, responses, m.route.Operation, operationPointer(m))
		case respRef.Ref != "" && strings.HasPrefix(respRef.Ref, "#/"):
			x.observeResponse(d, site, jsonBody, mt, mtKey, content, respRef.Ref[1:])
		default:
			x.observeResponse(d, site, jsonBody, mt, mtKey, content, responses+"/"+escapePointer(respKey))
		}
	}
	return nil
}

func (x *roundTrip) observeResponse(d *Drift, site site, body []byte, mt *openapi3.MediaType, mtKey string, content openapi3.Content, loc string) {
	switch {
	case body == nil:
	case len(content) == 0:
		d.observeContent(site, body, loc, x.m.route.Operation, operationPointer(x.m))
	case mt != nil:
		d.observeBody(site, body, mt.Schema, loc+"/content/"+escapePointer(mtKey)+"/schema")
	}
}

func (x *roundTrip) site(where Where, status int, mediaType string) site {
	return site{
		Operation: x.op, Method: x.m.route.Method, Path: x.m.route.Path,
		Where: where, Status: status, MediaType: mediaType,
	}
}

// responseFor is the response op declares for status: exact, then a range
// such as 2XX, then default; key is its key in the responses object.
func responseFor(op *openapi3.Operation, status int) (key string, ref *openapi3.ResponseRef) {
	if op == nil || op.Responses == nil {
		return "", nil
	}
	if r := op.Responses.Status(status); r != nil {
		key = strconv.Itoa(status)
		if op.Responses.Value(key) == nil {
			key = key[:1] + "XX"
		}
		return key, r
	}
	if r := op.Responses.Default(); r != nil {
		return "default", r
	}
	return "", nil
}

func closeBody(b io.ReadCloser) {
	if b != nil {
		b.Close()
	}
}

// guard runs a kin-openapi validation and turns a panic inside it into an
// error, so that a validator bug on odd input fails one exchange instead of
// the whole program.
func guard(validate func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("validator failed: %v", r)
		}
	}()
	return validate()
}

func (t *transport) reportIfAny(v []Violation) {
	if len(v) > 0 && t.cfg.report != nil {
		t.cfg.report(&Error{Violations: v})
	}
}

func setBody(r *http.Request, data []byte) {
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	r.ContentLength = int64(len(data))
}

func operationName(m *routeMatch) string {
	if m.route.Operation != nil && m.route.Operation.OperationID != "" {
		return m.route.Operation.OperationID
	}
	return m.route.Method + " " + m.route.Path
}

// aliasJSON rewrites the Content-Type in h to the JSON media type content
// declares when h's media type is a JSON one content does not declare.
func aliasJSON(h http.Header, content openapi3.Content) {
	ct := h.Get("Content-Type")
	if len(content) == 0 || ct == "" || content.Get(ct) != nil {
		return
	}
	mt, _, _ := strings.Cut(ct, ";")
	if !isJSONMediaType(mt) {
		return
	}
	if content["application/json"] != nil {
		h.Set("Content-Type", "application/json")
		return
	}
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if isJSONMediaType(k) && !strings.Contains(k, "*") {
			h.Set("Content-Type", k)
			return
		}
	}
}

func isJSONMediaType(mt string) bool {
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// dropUndecodable removes the errors about bodies of media types kin-openapi
// cannot decode (for example text/xml): such bodies are not validated.
func dropUndecodable(err error) error {
	if me, ok := err.(openapi3.MultiError); ok {
		var kept openapi3.MultiError
		for _, e := range me {
			if e = dropUndecodable(e); e != nil {
				kept = append(kept, e)
			}
		}
		if len(kept) == 0 {
			return nil
		}
		return kept
	}
	var pe *openapi3filter.ParseError
	if errors.As(err, &pe) && pe.Kind == openapi3filter.KindUnsupportedFormat {
		return nil
	}
	return err
}

// authenticate checks that credentials for a security scheme are present. It
// never inspects or reports their values.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme := in.SecurityScheme
	req := in.RequestValidationInput.Request
	if scheme == nil {
		return fmt.Errorf("security scheme %q is not defined", in.SecuritySchemeName)
	}
	switch scheme.Type {
	case "http":
		want := scheme.Scheme
		if want == "" {
			want = "bearer"
		}
		return requireAuthorization(req, want, in.SecuritySchemeName)
	case "oauth2", "openIdConnect":
		return requireAuthorization(req, "bearer", in.SecuritySchemeName)
	case "apiKey":
		var present bool
		switch scheme.In {
		case "header":
			present = strings.TrimSpace(req.Header.Get(scheme.Name)) != ""
		case "query":
			present = req.URL.Query().Get(scheme.Name) != ""
		case "cookie":
			c, err := req.Cookie(scheme.Name)
			present = err == nil && c.Value != ""
		}
		if !present {
			return fmt.Errorf("missing API key %q in %s (security scheme %q)", scheme.Name, scheme.In, in.SecuritySchemeName)
		}
		return nil
	default:
		// mutualTLS and unknown types cannot be checked from the request.
		return nil
	}
}

func requireAuthorization(req *http.Request, scheme, name string) error {
	for _, v := range req.Header.Values("Authorization") {
		got, cred, ok := strings.Cut(strings.TrimSpace(v), " ")
		if ok && strings.EqualFold(got, scheme) && strings.TrimSpace(cred) != "" {
			return nil
		}
	}
	return fmt.Errorf("missing %s credentials in the Authorization header (security scheme %q)", scheme, name)
}

// noOperation is the violation of a request that routes to no operation,
// with the base paths that were tried.
func noOperation(req *http.Request, bases []basePath) string {
	msg := fmt.Sprintf("no operation for %s %s", req.Method, req.URL.Path)
	if len(bases) > 0 {
		raws := make([]string, len(bases))
		for i, b := range bases {
			raws[i] = b.raw
		}
		msg += fmt.Sprintf(" (base paths tried: %s)", strings.Join(raws, ", "))
	}
	return msg
}
