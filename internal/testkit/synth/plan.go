package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Request is the request [Sampler.Plan] derives for an operation, or why it
// derives none.
type Request struct {
	// Path is the operation's path template with every path parameter
	// filled in (escaped), below the API's base path.
	Path string
	// Query holds the required query parameters.
	Query url.Values
	// Header holds the required header and cookie parameters
	// (Authorization excluded).
	Header http.Header
	// Body and ContentType are the request body, nil when none is sent.
	Body        []byte
	ContentType string
	// NoBody says why an optional body was left out; "" when sent.
	NoBody string
	// Skip says why no valid request could be derived; "" when one was.
	Skip string
}

// Plan derives a valid request for the operation op at method and path
// (a path template of doc): required parameters from their examples or
// schemas, and a JSON body from the spec's examples or synthesized from the
// schema, checked against it (a multipart/form-data body with every
// property when the body is multipart).
func (sm Sampler) Plan(doc *openapi3.T, path string, op *openapi3.Operation) Request {
	pl := Request{Header: http.Header{}, Query: url.Values{}}
	filled := path
	for _, p := range Parameters(doc, path, op) {
		if !p.Required && p.In != openapi3.ParameterInPath {
			continue
		}
		if p.In == openapi3.ParameterInHeader && strings.EqualFold(p.Name, "Authorization") {
			continue
		}
		v, why := sm.paramValue(p)
		if why != "" {
			pl.Skip = why
			return pl
		}
		var vals []string
		switch x := v.(type) {
		case []any:
			for _, item := range x {
				s, ok := scalar(item)
				if !ok {
					pl.Skip = fmt.Sprintf("%s parameter %q is an array of objects", p.In, p.Name)
					return pl
				}
				vals = append(vals, s)
			}
		default:
			s, ok := scalar(x)
			if !ok {
				pl.Skip = fmt.Sprintf("%s parameter %q is an object", p.In, p.Name)
				return pl
			}
			vals = []string{s}
		}
		switch p.In {
		case openapi3.ParameterInPath:
			filled = strings.ReplaceAll(filled, "{"+p.Name+"}", url.PathEscape(strings.Join(vals, ",")))
		case openapi3.ParameterInQuery:
			if p.Explode != nil && !*p.Explode {
				pl.Query.Set(p.Name, strings.Join(vals, ","))
			} else {
				pl.Query[p.Name] = vals
			}
		case openapi3.ParameterInHeader:
			pl.Header.Set(p.Name, strings.Join(vals, ","))
		case openapi3.ParameterInCookie:
			pl.Header.Add("Cookie", (&http.Cookie{Name: p.Name, Value: strings.Join(vals, ",")}).String())
		}
	}
	pl.Path = filled
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		sm.PlanBody(&pl, op.RequestBody.Value)
	}
	return pl
}

// Parameters merges the path item's and the operation's parameters (the
// operation's win).
func Parameters(doc *openapi3.T, path string, op *openapi3.Operation) []*openapi3.Parameter {
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
	if item := doc.Paths.Value(path); item != nil {
		add(item.Parameters)
	}
	add(op.Parameters)
	return out
}

// paramValue derives a value for p: its example when valid, else one from
// its schema.
func (sm Sampler) paramValue(p *openapi3.Parameter) (any, string) {
	if p.Schema == nil || p.Schema.Value == nil {
		return nil, fmt.Sprintf("%s parameter %q has no schema", p.In, p.Name)
	}
	cands := []any{p.Example}
	for _, name := range sortedKeys(p.Examples) {
		if ex := p.Examples[name]; ex != nil && ex.Value != nil {
			cands = append(cands, ex.Value.Value)
		}
	}
	for _, c := range cands {
		if v, ok := sm.Valid(p.Schema.Value, c); ok {
			return v, ""
		}
	}
	if v, ok := sm.Sample(p.Schema); ok {
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

// IsJSONMediaType reports whether a media type carries JSON.
func IsJSONMediaType(mt string) bool {
	mt = strings.ToLower(mt)
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || strings.HasPrefix(mt, "application/json;") || mt == "text/json"
}

// PlanBody picks a JSON media type and a valid body from the spec's
// examples or from the schema, and sets pl's Body and ContentType. An
// optional body that cannot be derived is left out (pl.NoBody says why), a
// required one sets pl.Skip.
func (sm Sampler) PlanBody(pl *Request, rb *openapi3.RequestBody) {
	var mt string
	for _, name := range sortedKeys(rb.Content) {
		if IsJSONMediaType(name) && (mt == "" || name == "application/json") {
			mt = name
		}
	}
	if mt == "" {
		if media := rb.Content.Get("multipart/form-data"); media != nil {
			sm.planMultipart(pl, media)
			return
		}
		if rb.Required {
			pl.Skip = "required body of media type " + strings.Join(sortedKeys(rb.Content), ", ") + ", not JSON"
		} else {
			pl.NoBody = "body of media type " + strings.Join(sortedKeys(rb.Content), ", ") + ", not JSON"
		}
		return
	}
	media := rb.Content[mt]
	if media.Schema == nil || media.Schema.Value == nil {
		pl.Skip = "request body without schema"
		return
	}
	cands := []any{media.Example}
	for _, name := range sortedKeys(media.Examples) {
		if ex := media.Examples[name]; ex != nil && ex.Value != nil {
			cands = append(cands, ex.Value.Value)
		}
	}
	var body any
	found := false
	for _, c := range cands {
		if v, ok := sm.Valid(media.Schema.Value, c); ok {
			body, found = v, true
			break
		}
	}
	if !found {
		body, found = sm.Sample(media.Schema)
	}
	if !found {
		err := sm.Validate(media.Schema.Value, mustNormalize(sm.Build(media.Schema.Value, 0)))
		why := "no valid example, and the body synthesized from the schema is invalid: " + firstLine(fmt.Sprint(err))
		if rb.Required {
			pl.Skip = "required body: " + why
		} else {
			pl.NoBody = why
		}
		return
	}
	b, err := json.Marshal(body)
	if err != nil {
		pl.Skip = "body does not encode: " + err.Error()
		return
	}
	pl.Body, pl.ContentType = b, mt
}

// planMultipart builds a multipart/form-data body with every property of
// the schema: binary ones as a small file part, the others as fields.
func (sm Sampler) planMultipart(pl *Request, media *openapi3.MediaType) {
	if media.Schema == nil || media.Schema.Value == nil || typeOf(media.Schema.Value) != "object" {
		pl.Skip = "multipart body without an object schema"
		return
	}
	s := media.Schema.Value
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
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
				pl.Skip = "multipart body: " + err.Error()
				return
			}
			continue
		}
		v, ok := sm.Sample(p)
		str, isScalar := scalar(v)
		if !ok || !isScalar {
			if slices.Contains(s.Required, name) {
				pl.Skip = fmt.Sprintf("multipart field %q has no scalar value", name)
				return
			}
			continue
		}
		if err := w.WriteField(name, str); err != nil {
			pl.Skip = "multipart body: " + err.Error()
			return
		}
	}
	if err := w.Close(); err != nil {
		pl.Skip = "multipart body: " + err.Error()
		return
	}
	pl.Body, pl.ContentType = buf.Bytes(), w.FormDataContentType()
}

func mustNormalize(v any) any {
	n, err := Normalize(v)
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
