package frontgen

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
)

// spec is the part of a fixed OpenAPI document the generator reads.
type spec struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Parameters map[string]param    `json:"parameters"`
		Responses  map[string]response `json:"responses"`
	} `json:"components"`
}

type param struct {
	Ref  string `json:"$ref"`
	Name string `json:"name"`
	In   string `json:"in"`
}

type response struct {
	Ref     string                     `json:"$ref"`
	Headers map[string]json.RawMessage `json:"headers"`
	Content map[string]json.RawMessage `json:"content"`
}

type operation struct {
	OperationID string              `json:"operationId"`
	Summary     string              `json:"summary"`
	Parameters  []param             `json:"parameters"`
	Responses   map[string]response `json:"responses"`
}

// op is one operation of the document, its references resolved.
type op struct {
	Method, Path string
	operation
	Query   []string // names of query parameters
	Success []response
}

// operations lists the document's operations, sorted by path then method.
func (s *spec) operations() ([]op, error) {
	paths := make([]string, 0, len(s.Paths))
	for p := range s.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var out []op
	for _, path := range paths {
		item := s.Paths[path]
		var common []param
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &common); err != nil {
				return nil, err
			}
		}
		for _, m := range [...]string{"get", "put", "post", "delete", "options", "head", "patch", "trace"} {
			raw, ok := item[m]
			if !ok {
				continue
			}
			o := op{Method: strings.ToUpper(m), Path: path}
			if err := json.Unmarshal(raw, &o.operation); err != nil {
				return nil, err
			}
			for _, p := range append(slices.Clone(common), o.Parameters...) {
				if p.Ref != "" {
					p = s.Components.Parameters[p.Ref[strings.LastIndex(p.Ref, "/")+1:]]
				}
				if p.In == "query" {
					o.Query = append(o.Query, p.Name)
				}
			}
			codes := make([]string, 0, len(o.Responses))
			for c := range o.Responses {
				if strings.HasPrefix(c, "2") {
					codes = append(codes, c)
				}
			}
			sort.Strings(codes)
			for _, c := range codes {
				r := o.Responses[c]
				if r.Ref != "" {
					r = s.Components.Responses[r.Ref[strings.LastIndex(r.Ref, "/")+1:]]
				}
				o.Success = append(o.Success, r)
			}
			out = append(out, o)
		}
	}
	return out, nil
}

func (o op) hasQuery(names ...string) bool {
	for _, n := range names {
		if !slices.Contains(o.Query, n) {
			return false
		}
	}
	return true
}

// header reports whether a success response declares the header.
func (o op) header(name string) bool {
	for _, r := range o.Success {
		for h := range r.Headers {
			if strings.EqualFold(h, name) {
				return true
			}
		}
	}
	return false
}

// rawBody reports whether a success response has a non-JSON body.
func (o op) rawBody() bool {
	for _, r := range o.Success {
		for ct := range r.Content {
			if !strings.Contains(ct, "json") {
				return true
			}
		}
	}
	return false
}

// normalize maps an operationId and a Go name to the same key.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
