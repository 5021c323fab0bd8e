package oteltest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/build/frontgen"
	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	scimbulk "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimbulk"
	scimgroups "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimgroups"
	scimme "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimme"
	scimresourcetypes "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimresourcetypes"
	scimroles "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimroles"
	scimschemas "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimschemas"
	scimspconfig "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimspconfig"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
	umbraco18 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco18"
	"github.com/mgmtapi/mgmtapi/internal/tests/itertest"
	"github.com/mgmtapi/mgmtapi/option"
	"go.opentelemetry.io/otel/trace"
)

// api is one generated API as the suites' shims give it.
type api struct {
	name  string
	new   func(where, id, sec string, opts ...option.Option) (any, error)
	iters []frontgen.Iterator
}

func anyAPI[A any](f func(string, string, string, ...option.Option) (A, error)) func(string, string, string, ...option.Option) (any, error) {
	return func(w, id, sec string, opts ...option.Option) (any, error) { return f(w, id, sec, opts...) }
}

var allAPIs = []api{
	{"applications", anyAPI(applications.NewAPI), applications.Iterators},
	{"auth0", anyAPI(auth0.NewAPI), auth0.Iterators},
	{"scimbulk", anyAPI(scimbulk.NewAPI), scimbulk.Iterators},
	{"scimgroups", anyAPI(scimgroups.NewAPI), scimgroups.Iterators},
	{"scimme", anyAPI(scimme.NewAPI), scimme.Iterators},
	{"scimresourcetypes", anyAPI(scimresourcetypes.NewAPI), scimresourcetypes.Iterators},
	{"scimroles", anyAPI(scimroles.NewAPI), scimroles.Iterators},
	{"scimschemas", anyAPI(scimschemas.NewAPI), scimschemas.Iterators},
	{"scimspconfig", anyAPI(scimspconfig.NewAPI), scimspconfig.Iterators},
	{"scimusers", anyAPI(scimusers.NewAPI), scimusers.Iterators},
	{"umbraco17", anyAPI(umbraco17.NewAPI), umbraco17.Iterators},
	{"umbraco18", anyAPI(umbraco18.NewAPI), umbraco18.Iterators},
}

// connect builds a's front doors on the server at base, recording into rec,
// without retries (every fault is answered once).
func (a api) connect(t *testing.T, ts tokenServers, base string, rec *recorder) any {
	t.Helper()
	pre, ok := frontgen.PresetFor(a.name)
	if !ok {
		t.Fatalf("%s: no preset", a.name)
	}
	opts := append(rec.options(), option.WithoutRetry())
	var c any
	var err error
	switch pre.Vendor {
	case "umbraco":
		c, err = a.new(base, umbracoID, secret, append(opts, option.WithTokenURL(ts.umbraco.TokenURL))...)
	case "auth0":
		c, err = a.new(domain, auth0ID, secret, append(opts, option.WithBaseURL(base), option.WithTokenURL(ts.auth0.TokenURL))...)
	default:
		c, err = a.new(org, asgardeoID, secret, append(opts, option.WithBaseURL(base+"/t/"+org),
			option.WithTokenURL(ts.asgardeo.TokenURL), option.WithScopes(asgardeoScopes...))...)
	}
	if err != nil {
		t.Fatalf("%s: %v", a.name, err)
	}
	t.Cleanup(func() { c.(interface{ Close() error }).Close() })
	return c
}

var (
	ctxType   = reflect.TypeFor[context.Context]()
	errorType = reflect.TypeFor[error]()
)

// TestEveryOperationOneSpan calls every front-door method (not the
// iterators) of every API against a server that answers 404, and checks
// that each call is exactly one client span, named after the template the
// request it sent matches, with the API, an operation id, status 404 and
// error.type "404" (or, when the client refuses to build a request from the
// made-up arguments, no status and error.type "request"), and exactly one
// duration measurement.
func TestEveryOperationOneSpan(t *testing.T) {
	ts := startTokens(t)
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		writeJSON(rw, 404, map[string]any{"message": "not here"})
	})
	total := 0
	for _, a := range allAPIs {
		rec := newRecorder(t)
		c := a.connect(t, ts, w.URL, rec)
		cv := reflect.ValueOf(c)
		methods := 0
		var unbuilt []string
		var points uint64
		for i := range cv.NumMethod() {
			m := cv.Type().Method(i)
			mt := cv.Method(i).Type()
			if mt.NumIn() == 0 || mt.In(0) != ctxType || mt.NumOut() == 0 || mt.Out(mt.NumOut()-1) != errorType {
				continue // not an operation: iterators, Client, Close, Conn
			}
			methods++
			rec.exp.Reset()
			w.reset()
			out := cv.Method(i).Call(itertest.Args(t.Context(), mt))
			err, _ := out[len(out)-1].Interface().(error)
			spans := rec.spans()
			reqs := w.requests()
			if len(spans) != 1 {
				t.Errorf("%s.%s: %d spans, want 1", a.name, m.Name, len(spans))
				continue
			}
			s := spans[0]
			got := attrs(s.Attributes)
			method, template, _ := strings.Cut(s.Name, " ")
			switch {
			case s.SpanKind != trace.SpanKindClient:
				t.Errorf("%s.%s: span kind %v", a.name, m.Name, s.SpanKind)
			case got["mgmtapi.api"] != a.name || got["mgmtapi.operation.id"] == "" ||
				got["http.request.method"] != method || got["url.template"] != template:
				t.Errorf("%s.%s: span %q attributes %v", a.name, m.Name, s.Name, got)
			case len(reqs) == 0 && err != nil && got["error.type"] == "request" && got["http.response.status_code"] == "":
				unbuilt = append(unbuilt, m.Name) // made-up arguments the client refuses to send
			case len(reqs) != 1:
				t.Errorf("%s.%s: %d requests reached the server (%q), error %v", a.name, m.Name, len(reqs), reqs, err)
			case err == nil || got["error.type"] != "404" || got["http.response.status_code"] != "404":
				t.Errorf("%s.%s: error %v, span attributes %v, want error.type 404", a.name, m.Name, err, got)
			default:
				reqMethod, uri, _ := strings.Cut(reqs[0], " ")
				path, _, _ := strings.Cut(uri, "?")
				if reqMethod != method || !templateRE(template).MatchString(path) {
					t.Errorf("%s.%s: span %q, but the request was %s %s", a.name, m.Name, s.Name, reqMethod, path)
				}
			}
		}
		for _, p := range durations(rec.metrics(t)) {
			points += p.Count
		}
		if points != uint64(methods) {
			t.Errorf("%s: %d duration measurements for %d calls", a.name, points, methods)
		}
		checkNoSecrets(t, rec, append(w.tokens(), secret)...)
		line := fmt.Sprintf("%-17s %4d front-door methods: one span and one measurement each", a.name, methods)
		if len(unbuilt) > 0 {
			line += fmt.Sprintf(" (unsent, error.type \"request\": %s)", strings.Join(unbuilt, ", "))
		}
		t.Log(line)
		total += methods
	}
	t.Logf("%d front-door methods in %d APIs", total, len(allAPIs))
	if total < 1500 {
		t.Errorf("only %d front-door methods found", total)
	}
}

// pager serves an iterator's pages: a full first page that says there is
// more (a total one larger, or a next checkpoint), then a page of one item
// that ends the list.
type pager struct {
	mu    sync.Mutex
	it    frontgen.Iterator
	items []json.RawMessage
	n     int
}

func (p *pager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	size := p.it.Size
	if c, err := strconv.Atoi(firstOf(r, "take", "limit", "count", "per_page")); err == nil && c > 0 {
		size = c
	}
	var list []json.RawMessage
	next := ""
	switch p.n {
	case 1:
		list, next = p.items[:size], "checkpoint-2"
	case 2:
		list = p.items[size : size+1]
	}
	var body any = list
	if p.it.Items != "" {
		obj := map[string]any{p.it.Items: list}
		if p.it.Total != "" {
			obj[p.it.Total] = size + 1
		}
		if p.it.Next != "" && next != "" {
			obj[p.it.Next] = next
		}
		body = obj
	}
	writeJSON(w, http.StatusOK, body)
}

func firstOf(r *http.Request, names ...string) string {
	for _, n := range names {
		if v := r.URL.Query().Get(n); v != "" {
			return v
		}
	}
	return ""
}

// TestEveryIteratorSpanPerPage walks every …All iterator of every API over
// two pages (one for a single-response list) and checks one client span
// per page request, each named after the iterator's operation.
func TestEveryIteratorSpanPerPage(t *testing.T) {
	ts := startTokens(t)
	p := &pager{}
	w := newWire(t, p.ServeHTTP)
	total := 0
	for _, a := range allAPIs {
		rec := newRecorder(t)
		c := a.connect(t, ts, w.URL, rec)
		cv := reflect.ValueOf(c)
		for _, it := range a.iters {
			m := cv.MethodByName(it.Method)
			if !m.IsValid() {
				t.Errorf("%s: no method %s", a.name, it.Method)
				continue
			}
			items, err := itertest.DistinctItems(m.Type(), it.Size+1)
			if err != nil {
				t.Errorf("%s.%s: %v", a.name, it.Method, err)
				continue
			}
			p.mu.Lock()
			p.it, p.items, p.n = it, items, 0
			p.mu.Unlock()
			rec.exp.Reset()
			w.reset()
			n, err := itertest.Drain(t.Context(), m, 1<<20)
			reqs := w.requests()
			wantReqs := 2
			if it.Kind == frontgen.KindSingle {
				wantReqs = 1
			}
			spans := rec.spans()
			var names []string
			for _, s := range spans {
				names = append(names, s.Name)
			}
			if err != nil || len(reqs) != wantReqs || len(spans) != len(reqs) || slices.ContainsFunc(names, func(n string) bool { return n != it.Op }) {
				t.Errorf("%s.%s (%s): %d items, error %v, %d requests, spans %q; want %d requests, one span %q each",
					a.name, it.Method, it.Kind, n, err, len(reqs), names, wantReqs, it.Op)
			}
			total++
		}
		checkNoSecrets(t, rec, append(w.tokens(), secret)...)
	}
	t.Logf("%d iterators walked", total)
	if total < 400 {
		t.Errorf("only %d iterators found", total)
	}
}
