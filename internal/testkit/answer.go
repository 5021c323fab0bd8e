package testkit

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/mgmtapi/mgmtapi/internal/testkit/store"
	"github.com/mgmtapi/mgmtapi/internal/testkit/synth"
)

// answer is what the kit sends for a valid request.
type answer struct {
	status int
	header http.Header
	body   []byte
	// source says which answered: "typed handler", "store", ...
	source string
	// faithful marks an answer modelled on the vendor (a store's): where
	// the document does not declare it, the document has a gap, not the
	// user's test, so the mismatch is logged rather than failing the test.
	faithful bool
}

// answer builds the answer to req (routed to route of API a), trying in
// order a typed handler, the store, a recorded response (directory, then
// HAR) and a synthesized value. why is not empty when no answer could be built.
func (s *Server) answer(a *liveAPI, k opKey, req *Request, route *routers.Route) (answer, string) {
	s.mu.Lock()
	h := s.handlers[k]
	s.mu.Unlock()
	if h != nil {
		return s.fromHandler(h, req, route)
	}
	if a.store != nil {
		path := strings.TrimPrefix(req.Path, a.Base)
		resp, ok := a.store.Serve(store.Request{
			Method: req.Method, Path: path, Query: req.Query, Header: req.Header, Body: req.Body,
			Base: s.URL() + a.Base,
		})
		if ok {
			if resp.Header == nil {
				resp.Header = http.Header{}
			}
			return answer{status: resp.Status, header: resp.Header, body: resp.Body, source: "store", faithful: true}, ""
		}
	}
	if ans, ok, why := s.recorded(k, route); ok || why != "" {
		return ans, why
	}
	if ans, ok := s.har[k]; ok {
		ans.header = ans.header.Clone()
		return ans, ""
	}
	return s.synthesize(a, route)
}

func (s *Server) fromHandler(h func(*Request) (any, error), req *Request, route *routers.Route) (answer, string) {
	v, err := h(req)
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) {
			ct, body := s.v.Error(req.Path, se.Status, se.Message)
			return answer{status: se.Status, header: http.Header{"Content-Type": {ct}}, body: body, source: "typed handler's error"}, ""
		}
		return answer{}, "the typed handler failed: " + err.Error()
	}
	status := req.status
	if status == 0 {
		status, _ = successResponse(route.Operation)
	}
	ans := answer{status: status, header: http.Header{}, source: "typed handler"}
	mt, _ := jsonMedia(responseContent(route.Operation, status))
	if mt == "" {
		return ans, "" // the operation declares no JSON body: none is sent
	}
	body, err := json.Marshal(v)
	if err != nil {
		return answer{}, fmt.Sprintf("the typed handler's %T does not encode as JSON: %v", v, err)
	}
	ans.header.Set("Content-Type", mt)
	ans.body = body
	return ans, ""
}

// synthesize answers with the operation's first success status and a value
// built from its schema.
func (s *Server) synthesize(a *liveAPI, route *routers.Route) (answer, string) {
	op := route.Operation
	status, ref := successResponse(op)
	ans := answer{status: status, header: http.Header{}, source: "value synthesized from the document"}
	sm := a.synth
	sm.Response = true
	if ref != nil && ref.Value != nil {
		for _, name := range sortedNames(ref.Value.Headers) {
			hr := ref.Value.Headers[name]
			if hr == nil || hr.Value == nil || !hr.Value.Required || hr.Value.Schema == nil {
				continue
			}
			v, _ := sm.Sample(hr.Value.Schema)
			ans.header.Set(name, scalarString(v))
		}
	}
	content := responseContent(op, status)
	if len(content) == 0 {
		return ans, ""
	}
	mt, media := jsonMedia(content)
	if mt == "" {
		mt = sortedNames(content)[0]
		media = content[mt]
		ans.header.Set("Content-Type", mt)
		if media != nil && media.Schema != nil && media.Schema.Value != nil && media.Schema.Value.Format != "binary" {
			v, _ := sm.Sample(media.Schema)
			ans.body = []byte(scalarString(v))
		} else {
			ans.body = []byte("x")
		}
		return ans, ""
	}
	ans.header.Set("Content-Type", mt)
	var v any = map[string]any{}
	if media != nil && media.Schema != nil && media.Schema.Value != nil {
		var ok bool
		if v, ok = sm.Sample(media.Schema); !ok {
			v = sm.Build(media.Schema.Value, 0) // invalid: the response check says why
		}
	}
	body, err := json.Marshal(v)
	if err != nil {
		return answer{}, "the synthesized value does not encode: " + err.Error()
	}
	ans.body = body
	return ans, ""
}

// successResponse is the operation's first declared success status and its
// response: the lowest explicit 2xx, else 200 for a 2XX range or a default.
func successResponse(op *openapi3.Operation) (int, *openapi3.ResponseRef) {
	if op == nil || op.Responses == nil {
		return http.StatusOK, nil
	}
	best := 0
	for key := range op.Responses.Map() {
		if n, err := strconv.Atoi(key); err == nil && n >= 200 && n < 300 && (best == 0 || n < best) {
			best = n
		}
	}
	if best != 0 {
		return best, op.Responses.Status(best)
	}
	if r := op.Responses.Value("2XX"); r != nil {
		return http.StatusOK, r
	}
	return http.StatusOK, op.Responses.Default()
}

// responseContent is the content the operation declares for status.
func responseContent(op *openapi3.Operation, status int) openapi3.Content {
	if op == nil || op.Responses == nil {
		return nil
	}
	r := op.Responses.Status(status)
	if r == nil {
		r = op.Responses.Value(strconv.Itoa(status/100) + "XX")
	}
	if r == nil {
		r = op.Responses.Default()
	}
	if r == nil || r.Value == nil {
		return nil
	}
	return r.Value.Content
}

// jsonMedia picks the JSON media type of content: application/json, else
// the first other JSON one.
func jsonMedia(content openapi3.Content) (string, *openapi3.MediaType) {
	if m := content["application/json"]; m != nil {
		return "application/json", m
	}
	for _, k := range sortedNames(content) {
		if synth.IsJSONMediaType(k) && !strings.Contains(k, "*") {
			return k, content[k]
		}
	}
	return "", nil
}

func sortedNames[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}
