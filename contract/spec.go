package contract

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Spec is a loaded, validated and routed OpenAPI document. It is immutable
// after [Load] and safe for concurrent use by any number of transports and
// goroutines. Loading is expensive (a large document takes about a second and
// tens of MiB); load each document once and share the Spec.
type Spec struct {
	doc    *openapi3.T
	router routers.Router
	// serverBases are the path parts of the document's servers (before they
	// were cleared), tried when a request path does not route as it is.
	serverBases []basePath
}

// maxLoadErrorLen bounds the length of an error returned by Load: the
// validator can print whole schemas.
const maxLoadErrorLen = 4096

// regexMatchTimeout bounds one match of a pattern that needed the
// backtracking engine, so a hostile value cannot hang a test.
const regexMatchTimeout = 250 * time.Millisecond

// LoadFile reads the OpenAPI document at path (JSON or YAML) and calls [Load].
func LoadFile(ctx context.Context, path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	s, err := Load(ctx, data)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return s, nil
}

// Load parses an OpenAPI 3.0 or 3.1 document (JSON or YAML), validates it and
// builds its router. The result is meant to be reused: call it once per
// document and process (or test binary).
//
// External $refs are not followed: the document must be self-contained.
// OpenAPI 3.1 documents are validated with JSON Schema 2020-12 semantics.
//
// To make published specs usable as they are, Load adjusts the in-memory
// document (never the input):
//   - servers (top-level, path-level and operation-level) are cleared, so that
//     routes match any host and undeclared server variables (the Asgardeo SCIM
//     specs use {organization-name}) do not fail validation. The path parts of
//     the top-level servers are remembered and stripped from request paths
//     that do not route as they are (see [WithBasePath]).
//   - examples and schema default values are not validated (several specs
//     carry examples or defaults that do not match their own schemas).
//   - patterns are compiled with Go's regexp (RE2) when it accepts them and
//     otherwise with an ECMAScript-compatible backtracking engine
//     (github.com/dlclark/regexp2, matches time out after 250 ms), because
//     JSON Schema patterns are ECMAScript and some specs use lookahead or
//     repeat counts over 1000 (Auth0 has six such patterns).
//   - in OpenAPI 3.1 documents, every schema that places no constraint at all
//     (an "any value" schema such as {} or {"description": ...}) is given all
//     JSON types, null included. kin-openapi otherwise rejects null for such a
//     schema when it is reached through a $ref (Umbraco 18's *ValueModel
//     "value" properties), although JSON Schema accepts it.
//
// The regular-expression engine is passed per call through kin-openapi's
// options. Note that kin-openapi caches compiled patterns in a process-wide
// map keyed by the pattern text, so other kin-openapi users in the same
// process may reuse a matcher compiled here.
func Load(ctx context.Context, data []byte) (*Spec, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if len(data) == 0 {
		return nil, errors.New("contract: load spec: empty document")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("contract: load spec: %w", err)
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, loadError("parse", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("contract: load spec: %w", err)
	}

	bases := clearServers(doc)
	if doc.IsOpenAPI31OrLater() {
		if err := widenUntypedSchemas(doc); err != nil {
			return nil, loadError("prepare", err)
		}
	}

	// legacy.NewRouter validates the document with these options before it
	// builds the routes, so the document is validated exactly once.
	router, err := legacy.NewRouter(doc,
		openapi3.DisableExamplesValidation(),
		openapi3.DisableSchemaDefaultsValidation(),
		openapi3.SetRegexCompiler(compileRegex),
	)
	if err != nil {
		return nil, loadError("validate", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("contract: load spec: %w", err)
	}
	return &Spec{doc: doc, router: router, serverBases: bases}, nil
}

func loadError(step string, err error) error {
	return fmt.Errorf("contract: load spec: %s: %s", step, truncate(err.Error(), maxLoadErrorLen))
}

// clearServers removes every servers list from doc and returns the path parts
// of the top-level ones.
func clearServers(doc *openapi3.T) []basePath {
	var bases []basePath
	for _, srv := range doc.Servers {
		if srv == nil {
			continue
		}
		if b, ok := parseBasePath(serverPath(srv.URL)); ok {
			bases = append(bases, b)
		}
	}
	doc.Servers = nil
	if doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			if item == nil {
				continue
			}
			item.Servers = nil
			for _, op := range item.Operations() {
				if op != nil {
					op.Servers = nil
				}
			}
		}
	}
	return bases
}

// serverPath is the path of a server URL template such as
// "https://{tenantDomain}/api/v2" or "/t/{org}/scim2". It is parsed by hand
// because variables in the host make such templates invalid URLs.
func serverPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return ""
		}
		u = rest[j:]
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

// widenUntypedSchemas gives every constraint-free schema all JSON types, so
// that null is accepted by every kin-openapi code path (see Load).
func widenUntypedSchemas(doc *openapi3.T) error {
	return doc.WalkSchemas(func(_ string, ref *openapi3.SchemaRef) error {
		s := ref.Value
		if s.Type == nil && s.Always == nil && s.Not == nil &&
			len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 &&
			s.If == nil && s.Then == nil && s.Else == nil &&
			s.Discriminator == nil && s.IsEmpty() {
			s.Type = &openapi3.Types{
				openapi3.TypeNull, openapi3.TypeBoolean, openapi3.TypeObject,
				openapi3.TypeArray, openapi3.TypeNumber, openapi3.TypeString,
			}
		}
		return nil
	})
}

// compileRegex compiles a schema pattern with RE2 when possible (linear time)
// and otherwise with an ECMAScript-compatible backtracking engine.
func compileRegex(expr string) (openapi3.RegexMatcher, error) {
	if re, err := regexp.Compile(expr); err == nil {
		return re, nil
	}
	re, err := regexp2.Compile(expr, regexp2.ECMAScript)
	if err != nil {
		// Some patterns need .NET features (e.g. \p{..} classes, which
		// ECMAScript mode of regexp2 rejects): try the default syntax.
		re, err = regexp2.Compile(expr, regexp2.None)
		if err != nil {
			return nil, err
		}
	}
	re.MatchTimeout = regexMatchTimeout
	return backtrackingMatcher{re: re}, nil
}

// backtrackingMatcher adapts regexp2 to openapi3.RegexMatcher. A match that
// fails (timeout) counts as no match, which is reported as a violation.
type backtrackingMatcher struct{ re *regexp2.Regexp }

func (m backtrackingMatcher) MatchString(s string) bool {
	ok, err := m.re.MatchString(s)
	return err == nil && ok
}

// uuidFormat validates format: uuid: 8-4-4-4-12 hexadecimal digits. The error
// never repeats the value.
type uuidFormat struct{}

func (uuidFormat) Validate(v string) error {
	if !isUUID(v) {
		return errors.New("not a UUID (want 8-4-4-4-12 hexadecimal digits)")
	}
	return nil
}

func isUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// basePath is a server base path template split into segments; a segment
// holding a {variable} matches any one non-empty segment.
type basePath struct {
	raw  string
	segs []string
}

func parseBasePath(p string) (basePath, bool) {
	p = strings.Trim(p, "/")
	if p == "" {
		return basePath{}, false
	}
	return basePath{raw: "/" + p, segs: strings.Split(p, "/")}, true
}

// strip returns path without the base path, and whether path starts with it.
func (b basePath) strip(path string) (string, bool) {
	rest := path
	for _, seg := range b.segs {
		if !strings.HasPrefix(rest, "/") {
			return "", false
		}
		rest = rest[1:]
		end := strings.IndexByte(rest, '/')
		if end < 0 {
			end = len(rest)
		}
		got := rest[:end]
		if strings.Contains(seg, "{") {
			if got == "" {
				return "", false
			}
		} else if got != seg {
			return "", false
		}
		rest = rest[end:]
	}
	if rest == "" {
		rest = "/"
	}
	return rest, true
}

// route finds the operation of req, trying each candidate path in turn.
func (s *Spec) route(req *http.Request, bases []basePath) (*routeMatch, bool) {
	try := func(path string) (*routeMatch, bool) {
		r := req.Clone(req.Context())
		u := *req.URL
		u.Path = path
		u.RawPath = ""
		r.URL = &u
		route, params, err := s.router.FindRoute(r)
		if err != nil {
			return nil, false
		}
		return &routeMatch{route: route, params: params, req: r}, true
	}
	if len(bases) > 0 {
		for _, b := range bases {
			if p, ok := b.strip(req.URL.Path); ok {
				if m, ok := try(p); ok {
					return m, true
				}
			}
		}
		return nil, false
	}
	if m, ok := try(req.URL.Path); ok {
		return m, true
	}
	for _, b := range s.serverBases {
		if p, ok := b.strip(req.URL.Path); ok {
			if m, ok := try(p); ok {
				return m, true
			}
		}
	}
	return nil, false
}

// routeMatch is a routed request: req is a clone whose URL path is the
// operation-relative path.
type routeMatch struct {
	route  *routers.Route
	params map[string]string
	req    *http.Request
}
