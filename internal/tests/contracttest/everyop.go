package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// Parser decodes a response with one of the generated client's
// Parse<Operation>Response functions.
type Parser func(*http.Response) (any, error)

// Operation is one operation of a spec as EveryOperation sees it.
type Operation struct {
	// Method and Path are the HTTP method and the path template.
	Method, Path string
	// ID is the operationId.
	ID string

	op *openapi3.Operation
}

// String is "METHOD /path".
func (o Operation) String() string { return o.Method + " " + o.Path }

// plan is the request EveryOperation sends for an operation, or why it
// sends none.
type plan struct {
	Operation
	url         string
	header      http.Header
	body        []byte
	contentType string
	noBody      string // why an optional body was left out; "" when sent
	skip        string
	parse       Parser
}

// outcome is what happened to one planned request.
type outcome struct {
	plan
	err string
}

// workers is the number of requests EveryOperation has in flight.
const workers = 4

// EveryOperation sends one request for every operation of the fixed spec
// whose arguments can be derived from it (path, query, header and cookie
// parameters from their examples or schemas, JSON bodies from the spec's
// examples or synthesized from the schema and checked against it), through
// a checked client (see Client), and decodes each answer with the
// generated Parse function of the operation. An operation fails on a
// transport error, on 401, 404, 405, 422 or 500 from Prism, on a status the
// operation does not declare, on a decode error, on a token mismatch and on a
// contract violation.
//
// parsers maps the generated Go names of the operations (ParseXxxResponse
// without "Parse" and "Response") to their functions. skips maps "METHOD
// /path" to the reason an operation is known not to work yet; those are
// reported as skipped, never as passed, and fail the test if they pass.
//
// The coverage line, "coverage <api>: <exercised>/<total> operations
// exercised; skipped: ...", is logged and printed by Main.
func (e *Env) EveryOperation(t *testing.T, parsers map[string]Parser, skips map[string]string) {
	t.Helper()
	byKey := make(map[string]Parser, len(parsers))
	for name, p := range parsers {
		byKey[normalizeName(name)] = p
	}
	ops := e.Operations()
	plans := make([]plan, len(ops))
	for i, op := range ops {
		plans[i] = e.plan(op)
		if plans[i].skip != "" {
			continue
		}
		if p := byKey[normalizeName(op.ID)]; p != nil {
			plans[i].parse = p
		} else {
			plans[i].skip = "no generated Parse function for operationId " + strconv.Quote(op.ID)
		}
	}

	results := make([]outcome, len(plans))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = outcome{plan: plans[i]}
				if plans[i].skip == "" {
					results[i].err = e.exercise(t.Context(), plans[i])
				}
			}
		}()
	}
	for i := range plans {
		next <- i
	}
	close(next)
	wg.Wait()

	var skipped, bodiless []string
	exercised, failed := 0, 0
	for _, r := range results {
		known, isKnown := skips[r.String()]
		switch {
		case r.skip != "":
			skipped = append(skipped, fmt.Sprintf("%s (%s)", r, r.skip))
		case isKnown && r.err != "":
			skipped = append(skipped, fmt.Sprintf("%s (%s)", r, known))
		case isKnown:
			failed++
			t.Errorf("%s (%s) is listed as a known skip (%s) but passes: remove it from the list", r, r.ID, known)
		case r.err != "":
			failed++
			t.Errorf("%s (%s): %s", r, r.ID, r.err)
		default:
			exercised++
			if r.noBody != "" {
				bodiless = append(bodiless, fmt.Sprintf("%s (%s)", r, r.noBody))
			}
		}
	}
	line := fmt.Sprintf("coverage %s: %d/%d operations exercised", e.API, exercised, len(ops))
	if len(bodiless) > 0 {
		line += fmt.Sprintf(" (%d without their optional body)", len(bodiless))
		t.Logf("%s: sent without their optional body: %s", e.API, strings.Join(bodiless, ", "))
	}
	if failed > 0 {
		line += fmt.Sprintf("; %d FAILED", failed)
	}
	if len(skipped) > 0 {
		line += "; skipped: " + strings.Join(skipped, ", ")
	} else {
		line += "; skipped: none"
	}
	t.Log(line)
	e.mu.Lock()
	e.coverage = append(e.coverage, line)
	e.mu.Unlock()
}

// Operations lists the operations of the fixed spec, sorted by path and
// method.
func (e *Env) Operations() []Operation {
	var ops []Operation
	for path, item := range e.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, Operation{Method: method, Path: path, ID: op.OperationID, op: op})
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops
}

// normalizeName folds an operationId or a Go name to lower-case letters and
// digits, so that "get_users", "getUsers" and "GetUsers" meet.
func normalizeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func (e *Env) sampler() sampler { return sampler{oas31: e.oas31} }

// parameters merges the path item's and the operation's parameters.
func (e *Env) parameters(o Operation) []*openapi3.Parameter {
	type key struct{ in, name string }
	seen := map[key]int{}
	var out []*openapi3.Parameter
	add := func(ps openapi3.Parameters) {
		for _, ref := range ps {
			if ref == nil || ref.Value == nil {
				continue
			}
			p := ref.Value
			k := key{p.In, p.Name}
			if i, ok := seen[k]; ok {
				out[i] = p
				continue
			}
			seen[k] = len(out)
			out = append(out, p)
		}
	}
	add(e.Doc.Paths.Value(o.Path).Parameters)
	add(o.op.Parameters)
	return out
}

// paramValue derives a value for p: its example when valid, else one from
// its schema.
func (e *Env) paramValue(p *openapi3.Parameter) (any, string) {
	if p.Schema == nil || p.Schema.Value == nil {
		return nil, fmt.Sprintf("%s parameter %q has no schema", p.In, p.Name)
	}
	sm := e.sampler()
	cands := []any{p.Example}
	for _, name := range sortedKeys(p.Examples) {
		if ex := p.Examples[name]; ex != nil && ex.Value != nil {
			cands = append(cands, ex.Value.Value)
		}
	}
	for _, c := range cands {
		if v, ok := sm.valid(p.Schema.Value, c); ok {
			return v, ""
		}
	}
	if v, ok := sm.sample(p.Schema); ok {
		return v, ""
	}
	return nil, fmt.Sprintf("no valid value for %s parameter %q", p.In, p.Name)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// scalar formats a primitive parameter value; ok is false for objects.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case nil:
		return "", true
	}
	return "", false
}

// plan derives the request for o.
func (e *Env) plan(o Operation) plan {
	pl := plan{Operation: o, header: http.Header{}}
	path := o.Path
	query := url.Values{}
	for _, p := range e.parameters(o) {
		if !p.Required && p.In != openapi3.ParameterInPath {
			continue
		}
		if p.In == openapi3.ParameterInHeader && strings.EqualFold(p.Name, "Authorization") {
			continue
		}
		v, why := e.paramValue(p)
		if why != "" {
			pl.skip = why
			return pl
		}
		var vals []string
		switch x := v.(type) {
		case []any:
			for _, item := range x {
				s, ok := scalar(item)
				if !ok {
					pl.skip = fmt.Sprintf("%s parameter %q is an array of objects", p.In, p.Name)
					return pl
				}
				vals = append(vals, s)
			}
		default:
			s, ok := scalar(x)
			if !ok {
				pl.skip = fmt.Sprintf("%s parameter %q is an object", p.In, p.Name)
				return pl
			}
			vals = []string{s}
		}
		switch p.In {
		case openapi3.ParameterInPath:
			path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(strings.Join(vals, ",")))
		case openapi3.ParameterInQuery:
			if p.Explode != nil && !*p.Explode {
				query.Set(p.Name, strings.Join(vals, ","))
			} else {
				query[p.Name] = vals
			}
		case openapi3.ParameterInHeader:
			pl.header.Set(p.Name, strings.Join(vals, ","))
		case openapi3.ParameterInCookie:
			pl.header.Add("Cookie", (&http.Cookie{Name: p.Name, Value: strings.Join(vals, ",")}).String())
		}
	}
	pl.url = e.Prism.URL + path
	if len(query) > 0 {
		pl.url += "?" + query.Encode()
	}
	if o.op.RequestBody != nil && o.op.RequestBody.Value != nil {
		e.planBody(&pl, o.op.RequestBody.Value)
	}
	return pl
}

// jsonMedia reports whether a media type carries JSON.
func jsonMedia(mt string) bool {
	mt = strings.ToLower(mt)
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || strings.HasPrefix(mt, "application/json;") || mt == "text/json"
}

// planBody picks a JSON media type and a valid body from the spec's
// examples or from the schema. An optional body that cannot be derived is
// left out.
func (e *Env) planBody(pl *plan, rb *openapi3.RequestBody) {
	var mt string
	for _, name := range sortedKeys(rb.Content) {
		if jsonMedia(name) && (mt == "" || name == "application/json") {
			mt = name
		}
	}
	if mt == "" {
		if media := rb.Content.Get("multipart/form-data"); media != nil {
			e.planMultipart(pl, media)
			return
		}
		if rb.Required {
			pl.skip = "required body of media type " + strings.Join(sortedKeys(rb.Content), ", ") + ", not JSON"
		} else {
			pl.noBody = "body of media type " + strings.Join(sortedKeys(rb.Content), ", ") + ", not JSON"
		}
		return
	}
	media := rb.Content[mt]
	if media.Schema == nil || media.Schema.Value == nil {
		pl.skip = "request body without schema"
		return
	}
	sm := e.sampler()
	cands := []any{media.Example}
	for _, name := range sortedKeys(media.Examples) {
		if ex := media.Examples[name]; ex != nil && ex.Value != nil {
			cands = append(cands, ex.Value.Value)
		}
	}
	var body any
	found := false
	for _, c := range cands {
		if v, ok := sm.valid(media.Schema.Value, c); ok {
			body, found = v, true
			break
		}
	}
	if !found {
		body, found = sm.sample(media.Schema)
	}
	if !found {
		err := sm.validate(media.Schema.Value, mustNormalize(sm.build(media.Schema.Value, 0)))
		why := "no valid example, and the body synthesized from the schema is invalid: " + firstLine(fmt.Sprint(err))
		if rb.Required {
			pl.skip = "required body: " + why
		} else {
			pl.noBody = why
		}
		return
	}
	b, err := json.Marshal(body)
	if err != nil {
		pl.skip = "body does not encode: " + err.Error()
		return
	}
	pl.body, pl.contentType = b, mt
}

// planMultipart builds a multipart/form-data body with every property of
// the schema: binary ones as a small file part, the others as fields.
func (e *Env) planMultipart(pl *plan, media *openapi3.MediaType) {
	if media.Schema == nil || media.Schema.Value == nil || typeOf(media.Schema.Value) != "object" {
		pl.skip = "multipart body without an object schema"
		return
	}
	s := media.Schema.Value
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	sm := e.sampler()
	for _, name := range sortedKeys(s.Properties) {
		p := s.Properties[name]
		if p == nil || p.Value == nil || p.Value.ReadOnly {
			continue
		}
		if p.Value.Format == "binary" || p.Value.Extensions["contentMediaType"] != nil {
			fw, err := w.CreateFormFile(name, "contract-test.txt")
			if err == nil {
				_, err = fw.Write([]byte("mgmtapi contract test file\n"))
			}
			if err != nil {
				pl.skip = "multipart body: " + err.Error()
				return
			}
			continue
		}
		v, ok := sm.sample(p)
		str, isScalar := scalar(v)
		if !ok || !isScalar {
			if slices.Contains(s.Required, name) {
				pl.skip = fmt.Sprintf("multipart field %q has no scalar value", name)
				return
			}
			continue
		}
		if err := w.WriteField(name, str); err != nil {
			pl.skip = "multipart body: " + err.Error()
			return
		}
	}
	if err := w.Close(); err != nil {
		pl.skip = "multipart body: " + err.Error()
		return
	}
	pl.body, pl.contentType = buf.Bytes(), w.FormDataContentType()
}

func mustNormalize(v any) any {
	n, err := normalize(v)
	if err != nil {
		return v
	}
	return n
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// exercise sends the planned request and returns what went wrong, or "".
func (e *Env) exercise(ctx context.Context, pl plan) string {
	var body io.Reader = http.NoBody
	if pl.body != nil {
		body = bytes.NewReader(pl.body)
	}
	req, err := http.NewRequestWithContext(ctx, pl.Method, pl.url, body)
	if err != nil {
		return "build request: " + err.Error()
	}
	for k, v := range pl.header {
		req.Header[k] = v
	}
	if pl.contentType != "" {
		req.Header.Set("Content-Type", pl.contentType)
	}
	if err := e.Source.RequestEditor()(ctx, req); err != nil {
		return "auth: " + err.Error()
	}
	c := e.newChecked()
	resp, err := (&http.Client{Transport: c}).Do(req)
	if err != nil {
		return "transport: " + err.Error()
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "read response: " + err.Error()
	}
	var problems []string
	switch resp.StatusCode {
	case 401, 404, 405, 422, 500:
		problems = append(problems, fmt.Sprintf("Prism answered %d: %s", resp.StatusCode, prismDetail(resp.Header, raw)))
	default:
		if !declared(pl.op, resp.StatusCode) {
			problems = append(problems, fmt.Sprintf("status %d is not declared by the operation", resp.StatusCode))
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	if _, err := pl.parse(resp); err != nil {
		problems = append(problems, fmt.Sprintf("decode %d %s: %v", resp.StatusCode, resp.Header.Get("Content-Type"), err))
	}
	_, checks := c.result()
	problems = append(problems, checks...)
	return strings.Join(problems, "; ")
}

// declared reports whether op declares status (exactly, as a range such as
// 2XX, or by a default response).
func declared(op *openapi3.Operation, status int) bool {
	if op.Responses == nil {
		return false
	}
	return op.Responses.Status(status) != nil || op.Responses.Value(fmt.Sprintf("%dXX", status/100)) != nil || op.Responses.Default() != nil
}

// prismDetail summarises Prism's problem+json (or Auth0's sl-violations
// header) without echoing request data beyond Prism's messages.
func prismDetail(h http.Header, raw []byte) string {
	var prob struct {
		Title      string `json:"title"`
		Detail     string `json:"detail"`
		Validation []struct {
			Location []string `json:"location"`
			Message  string   `json:"message"`
		} `json:"validation"`
	}
	var parts []string
	if json.Unmarshal(raw, &prob) == nil && (prob.Title != "" || len(prob.Validation) > 0) {
		parts = append(parts, prob.Title)
		for i, v := range prob.Validation {
			if i == 5 {
				parts = append(parts, fmt.Sprintf("… %d more", len(prob.Validation)-5))
				break
			}
			parts = append(parts, strings.Join(v.Location, ".")+": "+v.Message)
		}
	}
	if v := h.Get("sl-violations"); v != "" {
		parts = append(parts, "sl-violations: "+v)
	}
	s := strings.Join(parts, " | ")
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return s
}
