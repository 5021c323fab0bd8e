package testkit

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mgmtapi/mgmtapi/contract"
	"github.com/mgmtapi/mgmtapi/internal/testkit/store"
	"github.com/mgmtapi/mgmtapi/internal/testkit/synth"
)

// maxBody bounds the request body the kit reads and records.
const maxBody = 32 << 20

// Config is what a user chooses for one server (the vendor packages' options
// set it).
type Config struct {
	// NoStores turns the stateful stores off: every operation is answered
	// by handlers, recorded responses or synthesized values.
	NoStores bool
	// Recorded is a directory of recorded responses (see recorded.go).
	Recorded string
	// HAR is a HAR 1.2 file of recorded exchanges (see har.go).
	HAR string
}

// Server is one running kit server. Its methods are safe for concurrent use.
type Server struct {
	t      testing.TB
	v      Vendor
	cfg    Config
	apis   []*liveAPI // longest base first
	http   *httptest.Server
	id     string
	secret string

	mu       sync.Mutex
	tokens   map[string]bool
	issued   int
	handlers map[opKey]func(*Request) (any, error)
	faults   map[opKey][]*faultState
	requests []*Request
	// har holds the recorded answer of each operation in Config.HAR.
	har map[opKey]answer
}

// liveAPI is an API of a running server.
type liveAPI struct {
	API
	spec  *contract.Spec
	store store.Store
	synth synth.Sampler
}

// opKey names an operation of a server: the API's index and the
// operationId.
type opKey struct {
	api int
	id  string
}

// New starts a server for v on a loopback port, closed by t.Cleanup. It
// fails t (Fatal) when a validation document does not load.
func New(t testing.TB, v Vendor, cfg Config) *Server {
	t.Helper()
	s := &Server{
		t: t, v: v, cfg: cfg,
		tokens:   map[string]bool{},
		handlers: map[opKey]func(*Request) (any, error){},
		faults:   map[opKey][]*faultState{},
		id:       v.ClientIDPrefix + "kit-" + randomHex(6),
		secret:   "kit-secret-" + randomHex(16),
	}
	for _, a := range v.APIs {
		cs, err := a.Spec.Load()
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		la := &liveAPI{API: a, spec: cs, synth: synth.Sampler{OAS31: cs.Document().IsOpenAPI31OrLater()}}
		if a.Store != nil && !cfg.NoStores {
			la.store = a.Store()
		}
		s.apis = append(s.apis, la)
	}
	sort.SliceStable(s.apis, func(i, j int) bool { return len(s.apis[i].Base) > len(s.apis[j].Base) })
	if cfg.HAR != "" {
		har, err := s.loadHAR(cfg.HAR)
		if err != nil {
			t.Fatalf("%s: recorded exchanges: %v", v.Name, err)
		}
		s.har = har
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("%s: listen on loopback: %v", v.Name, err)
	}
	s.http = &httptest.Server{Listener: ln, Config: &http.Server{Handler: s}}
	s.http.Start()
	t.Cleanup(s.http.Close)
	return s
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// URL is the server's root URL, "http://127.0.0.1:<port>".
func (s *Server) URL() string { return s.http.URL }

// Host is the server's host and port, "127.0.0.1:<port>".
func (s *Server) Host() string { return strings.TrimPrefix(s.http.URL, "http://") }

// ClientID is the client id the token endpoint accepts.
func (s *Server) ClientID() string { return s.id }

// ClientSecret is the client secret the token endpoint accepts.
func (s *Server) ClientSecret() string { return s.secret }

// TokenURL is the token endpoint's URL.
func (s *Server) TokenURL() string { return s.http.URL + s.v.TokenPath }

// TokensIssued is how many tokens the token endpoint has issued.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// Requests returns a copy of every API request received so far, in order
// (token requests are not included).
func (s *Server) Requests() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// Fail queues f for the operation op ("METHOD /template" or operationId):
// the next requests to it (f.Times of them, or all) get f's error answer.
func (s *Server) Fail(op string, f Fault) {
	s.t.Helper()
	k := s.resolve(op)
	if f.Status < 400 || f.Status > 599 {
		s.t.Fatalf("%s: Fault.Status %d for %s is not a 4xx or 5xx status", s.v.Name, f.Status, op)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[k] = append(s.faults[k], &faultState{Fault: f, left: f.Times})
}

// Handle registers fn as the handler of op ("METHOD /template" or
// operationId); a handler registered later for the same operation replaces
// it. An unknown operation fails the test (Fatal).
func Handle[Resp any](s *Server, op string, fn func(*Request) (Resp, error)) {
	s.t.Helper()
	k := s.resolve(op)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[k] = func(r *Request) (any, error) { return fn(r) }
}

// resolve finds op among the server's operations, by operationId or by
// "METHOD /template" (the template below the API's base), or fails the
// test with what the kit knows.
func (s *Server) resolve(op string) opKey {
	s.t.Helper()
	method, tmpl, byRoute := strings.Cut(strings.TrimSpace(op), " ")
	var found []opKey
	var near []string
	for i, a := range s.apis {
		for path, item := range a.spec.Document().Paths.Map() {
			for m, o := range item.Operations() {
				id := operationID(m, path, o)
				switch {
				case byRoute && strings.EqualFold(m, method) && templateShape(path) == templateShape(tmpl),
					!byRoute && o.OperationID == op:
					found = append(found, opKey{i, id})
				case !byRoute && foldName(o.OperationID) == foldName(op),
					byRoute && foldName(templateShape(path)) == foldName(templateShape(tmpl)):
					near = append(near, fmt.Sprintf("%s %s (%s)", m, path, o.OperationID))
				}
			}
		}
	}
	switch len(found) {
	case 1:
		return found[0]
	case 0:
		msg := fmt.Sprintf("%s: no operation %q: give an operationId (e.g. %q) or \"METHOD /template\" with the path template below the API's base (e.g. %q)",
			s.v.Name, op, s.exampleOp(false), s.exampleOp(true))
		if len(near) > 0 {
			sort.Strings(near)
			msg += "; did you mean " + strings.Join(near, ", ")
		}
		s.t.Fatal(msg)
	default:
		s.t.Fatalf("%s: %q names %d operations (in several APIs): give its operationId", s.v.Name, op, len(found))
	}
	return opKey{}
}

func (s *Server) exampleOp(byRoute bool) string {
	doc := s.apis[0].spec.Document()
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, p := range paths {
		ops := doc.Paths.Value(p).Operations()
		for _, m := range sortedNames(ops) {
			if byRoute {
				return m + " " + p
			}
			return ops[m].OperationID
		}
	}
	return ""
}

// foldName keeps the lower-cased letters and digits of s, so that
// "getUsersById" meets "get_users_by_id".
func foldName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// templateShape replaces the parameter names of a path template with "{}",
// so that "/users/{user_id}" meets "/users/{id}".
func templateShape(t string) string {
	var b strings.Builder
	in := false
	for _, r := range strings.TrimSpace(t) {
		switch {
		case r == '{':
			in = true
			b.WriteString("{}")
		case r == '}':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// operationID is the operation's id, or "METHOD /template" when it has none.
func operationID(method, path string, o *openapi3.Operation) string {
	if o.OperationID != "" {
		return o.OperationID
	}
	return method + " " + path
}

// apisFor lists the APIs whose base path holds path, longest base first.
func (s *Server) apisFor(path string) []int {
	var out []int
	for i, a := range s.apis {
		if a.Base == "" || path == a.Base || strings.HasPrefix(path, a.Base+"/") {
			out = append(out, i)
		}
	}
	return out
}

// ServeHTTP answers one request: the token endpoint, or an API operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		s.t.Errorf("%s: %s %s: the request body could not be read or is over %d bytes", s.v.Name, r.Method, r.URL.Path, maxBody)
		s.writeError(w, r.URL.Path, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	if r.URL.Path == s.v.TokenPath {
		s.token(w, r, body)
		return
	}
	rec := &Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: body}
	cands := s.apisFor(r.URL.Path)
	if len(cands) == 0 {
		s.record(rec)
		s.t.Errorf("%s: the kit received %s %s, which is under none of its APIs", s.v.Name, r.Method, r.URL.Path)
		s.writeError(w, r.URL.Path, http.StatusNotFound, "no API at this path")
		return
	}
	token, tokenOK := s.checkToken(r)
	if !tokenOK {
		s.record(rec)
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		s.writeError(w, r.URL.Path, http.StatusUnauthorized, "missing or invalid access token")
		return
	}
	var rcv *contract.Received
	var api int
	var verr error
	for _, i := range cands {
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		var opts []contract.Option
		if b := s.apis[i].Base; b != "" {
			opts = append(opts, contract.WithBasePath(b))
		}
		rcv, verr = s.apis[i].spec.CheckRequest(r, opts...)
		if rcv != nil {
			api = i
			break
		}
	}
	if rcv == nil {
		s.record(rec)
		s.t.Errorf("%s: the kit received a request no operation matches: %v", s.v.Name, verr)
		s.writeError(w, r.URL.Path, http.StatusNotFound, "no such operation")
		return
	}
	route := rcv.Route()
	rec.Operation = operationID(route.Method, route.Path, route.Operation)
	rec.Template = route.Path
	rec.PathParams = map[string]string{}
	for k, v := range rcv.PathParams() {
		rec.PathParams[k] = v
	}
	s.record(rec)
	if verr != nil {
		s.t.Errorf("%s: the kit received an invalid request: %v", s.v.Name, verr)
		s.writeError(w, r.URL.Path, http.StatusBadRequest, "the request does not match the API: "+firstLine(verr.Error()))
		return
	}
	key := opKey{api, rec.Operation}
	if f, ok := s.takeFault(key); ok {
		if f.Status == http.StatusUnauthorized {
			s.revoke(token)
		}
		s.writeFault(w, r.URL.Path, f)
		return
	}
	ans, why := s.answer(s.apis[api], key, rec.clone(), route)
	if why != "" {
		s.t.Errorf("%s: %s: %s", s.v.Name, rec.describe(), why)
		s.writeError(w, r.URL.Path, http.StatusInternalServerError, "the kit could not answer: "+why)
		return
	}
	if err := rcv.CheckResponse(ans.status, ans.header, ans.body); err != nil {
		if ans.faithful {
			s.t.Logf("%s: the %s answered %s as the vendor does, which the API's document does not declare: %v", s.v.Name, ans.source, rec.describe(), err)
		} else {
			s.t.Errorf("%s: the kit's answer (%s) to %s does not match the API: %v", s.v.Name, ans.source, rec.describe(), err)
		}
	}
	for k, v := range ans.header {
		w.Header()[k] = v
	}
	if len(ans.body) > 0 || ans.status != http.StatusNoContent {
		w.Header().Set("Content-Length", fmt.Sprint(len(ans.body)))
	}
	w.WriteHeader(ans.status)
	w.Write(ans.body)
}

func (s *Server) record(r *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.clone())
}

// takeFault returns the fault queued for k, if any, counting it down.
func (s *Server) takeFault(k opKey) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[k]
	for len(q) > 0 {
		f := q[0]
		if f.Times == 0 {
			return f.Fault, true
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults[k] = q[1:]
			}
			return f.Fault, true
		}
		q = q[1:]
		s.faults[k] = q
	}
	return Fault{}, false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// Document is one API of a server as its tests see it.
type Document struct {
	// Base is the API's base path below the server root.
	Base string
	// Doc is the loaded validation document (must not be modified).
	Doc *openapi3.T
}

// Documents lists the server's APIs with their documents, for the kits' own
// tests (internal/testkit/kittest).
func (s *Server) Documents() []Document {
	out := make([]Document, len(s.apis))
	for i, a := range s.apis {
		out[i] = Document{Base: a.Base, Doc: a.spec.Document()}
	}
	return out
}
