package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mgmtapi/mgmtapi/internal/testkit/synth"
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

func (e *Env) sampler() synth.Sampler { return synth.Sampler{OAS31: e.oas31} }

// plan derives the request for o (synth.Sampler.Plan) at Prism.
func (e *Env) plan(o Operation) plan {
	r := e.sampler().Plan(e.Doc, o.Path, o.op)
	pl := plan{Operation: o, header: r.Header, body: r.Body, contentType: r.ContentType, noBody: r.NoBody, skip: r.Skip}
	pl.url = e.Prism.URL + r.Path
	if len(r.Query) > 0 {
		pl.url += "?" + r.Query.Encode()
	}
	return pl
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
