package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Option configures a transport made by [Spec.Transport].
type Option func(*config)

type config struct {
	bases     []basePath
	report    func(*Error)
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
// Request and response bodies are read fully into memory to be validated;
// the server still receives the whole request body and the caller still
// reads the whole response body. The request passed in is not modified,
// except that its body is consumed and closed, as the RoundTripper contract
// requires.
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
	return t
}

type transport struct {
	spec       *Spec
	base       http.RoundTripper
	cfg        config
	opts       *openapi3filter.Options
	optsNoBody *openapi3filter.Options
}

// decodable tells whether kin-openapi can decode a body of media type ct, so
// that it is worth reading the body into memory. A missing Content-Type
// counts as decodable: the validator then reports it if the operation
// declares a body.
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
	redact := newRedactor(req)

	body, hasBody, err := readBody(req.Body)
	if err != nil {
		return nil, fmt.Errorf("contract: read request body of %s %s: %w", req.Method, req.URL.Path, err)
	}

	out := req.Clone(ctx)
	if hasBody {
		setBody(out, body)
	}

	var violations []Violation
	add := func(where Where, op string, status int, msgs []string) {
		for _, m := range msgs {
			violations = append(violations, Violation{
				Where: where, Method: req.Method, Path: req.URL.Path,
				Operation: op, Status: status, Message: redact.clean(m),
			})
		}
	}

	m, ok := t.spec.route(req, t.cfg.bases)
	var input *openapi3filter.RequestValidationInput
	op := ""
	if !ok {
		msg := fmt.Sprintf("no operation for %s %s", req.Method, req.URL.Path)
		if len(t.cfg.bases) > 0 {
			raws := make([]string, len(t.cfg.bases))
			for i, b := range t.cfg.bases {
				raws[i] = b.raw
			}
			msg += fmt.Sprintf(" (base paths tried: %s)", strings.Join(raws, ", "))
		}
		add(InRequest, "", 0, []string{msg})
	} else {
		op = operationName(m)
		if hasBody {
			setBody(m.req, body)
		} else {
			m.req.Body = http.NoBody
			m.req.ContentLength = 0
		}
		if t.cfg.jsonAlias && m.route.Operation.RequestBody != nil && m.route.Operation.RequestBody.Value != nil {
			aliasJSON(m.req.Header, m.route.Operation.RequestBody.Value.Content)
		}
		input = &openapi3filter.RequestValidationInput{
			Request:    m.req,
			PathParams: m.params,
			Route:      m.route,
			Options:    t.opts,
		}
		if err := guard(func() error { return openapi3filter.ValidateRequest(ctx, input) }); err != nil {
			add(InRequest, op, 0, messages(dropUndecodable(err)))
		}
	}

	if len(violations) > 0 && t.cfg.report == nil {
		return nil, &Error{Violations: violations}
	}

	resp, err := t.base.RoundTrip(out)
	if err != nil {
		t.reportIfAny(violations)
		return resp, err
	}

	if input != nil && resp != nil {
		opts := t.opts
		var rbody []byte
		if decodable(resp.Header.Get("Content-Type")) {
			var err error
			if rbody, _, err = readBody(resp.Body); err != nil {
				t.reportIfAny(violations)
				return nil, fmt.Errorf("contract: read response body of %s %s: %w", req.Method, req.URL.Path, err)
			}
			resp.Body = io.NopCloser(bytes.NewReader(rbody))
		} else {
			// A stream (text/event-stream) or a body kin-openapi cannot
			// decode: leave it to the caller, check status, headers and
			// that the media type is declared.
			opts = t.optsNoBody
			content := responseContent(m.route.Operation, resp.StatusCode)
			if ct := resp.Header.Get("Content-Type"); len(content) > 0 && content.Get(ct) == nil {
				add(InResponse, op, resp.StatusCode, []string{fmt.Sprintf("response Content-Type %q is not declared", ct)})
			}
		}
		header := resp.Header
		if t.cfg.jsonAlias {
			header = header.Clone()
			if header == nil {
				header = http.Header{}
			}
			aliasJSON(header, responseContent(m.route.Operation, resp.StatusCode))
		}
		rin := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: input,
			Status:                 resp.StatusCode,
			Header:                 header,
			Body:                   io.NopCloser(bytes.NewReader(rbody)),
			Options:                opts,
		}
		if err := guard(func() error { return openapi3filter.ValidateResponse(ctx, rin) }); err != nil {
			add(InResponse, op, resp.StatusCode, messages(dropUndecodable(err)))
		}
	}

	if len(violations) > 0 {
		if t.cfg.report == nil {
			if resp != nil && resp.Body != nil {
				resp.Body.Close()
			}
			return nil, &Error{Violations: violations}
		}
		t.cfg.report(&Error{Violations: violations})
	}
	return resp, nil
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

// readBody reads and closes b. hasBody is false for a nil or http.NoBody body.
func readBody(b io.ReadCloser) (data []byte, hasBody bool, err error) {
	if b == nil || b == http.NoBody {
		return nil, false, nil
	}
	defer b.Close()
	data, err = io.ReadAll(b)
	return data, true, err
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

// responseContent is what op declares for status (or its default response).
func responseContent(op *openapi3.Operation, status int) openapi3.Content {
	if op == nil || op.Responses == nil {
		return nil
	}
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return nil
	}
	return ref.Value.Content
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
