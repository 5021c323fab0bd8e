package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// Filters are parsed by github.com/scim2/filter-parser (the parser the
// project's SCIM test server uses) and evaluated here against the
// representation a client would read (RFC 7644 §3.4.2.2).

const (
	// maxFilterLen caps a filter or PATCH path; Asgardeo's are short and a
	// long one only costs parse time.
	maxFilterLen = 4096
	// maxFilterNesting caps the brackets and parentheses in one filter, so
	// parsing stays shallow.
	maxFilterNesting = 32
)

// parseFilter parses a filter; a filter the parser rejects, or a construct
// this store does not evaluate, is 400 invalidFilter.
func parseFilter(s string) (expr filter.Expression, serr *scimError) {
	if err := checkExpr(s); err != nil {
		return nil, badRequest("invalidFilter", "The filter is invalid: %s.", err)
	}
	defer func() {
		// The parser is third-party code: a panic on some input must
		// still be a 400, never a crash of the test.
		if recover() != nil {
			expr, serr = nil, badRequest("invalidFilter", "The filter %q could not be parsed.", s)
		}
	}()
	e, err := filter.ParseFilter([]byte(s))
	if err != nil {
		return nil, badRequest("invalidFilter", "The filter %q could not be parsed.", s)
	}
	if err := checkFilter(e); err != nil {
		return nil, badRequest("invalidFilter", "The filter %q is not supported: %s.", s, err)
	}
	return e, nil
}

// parsePath parses a PATCH path (RFC 7644 §3.5.2); errors are 400
// invalidPath.
func parsePath(s string) (p filter.Path, serr *scimError) {
	if err := checkExpr(s); err != nil {
		return p, badRequest("invalidPath", "The path is invalid: %s.", err)
	}
	defer func() {
		if recover() != nil {
			p, serr = filter.Path{}, badRequest("invalidPath", "The path %q could not be parsed.", s)
		}
	}()
	p, err := filter.ParsePath([]byte(s))
	if err != nil {
		return p, badRequest("invalidPath", "The path %q could not be parsed.", s)
	}
	if p.ValueExpression != nil {
		if err := checkFilter(p.ValueExpression); err != nil {
			return p, badRequest("invalidPath", "The filter in path %q is not supported: %s.", s, err)
		}
	}
	return p, nil
}

func checkExpr(s string) error {
	if len(s) > maxFilterLen {
		return fmt.Errorf("longer than %d bytes", maxFilterLen)
	}
	if n := strings.Count(s, "(") + strings.Count(s, "["); n > maxFilterNesting {
		return fmt.Errorf("more than %d brackets", maxFilterNesting)
	}
	return nil
}

// checkFilter rejects what RFC 7644 §3.4.2.2 makes an error: ordering
// comparisons of booleans or null, and unknown operators.
func checkFilter(e filter.Expression) error {
	switch t := e.(type) {
	case *filter.LogicalExpression:
		if op := strings.ToLower(string(t.Operator)); op != "and" && op != "or" {
			return fmt.Errorf("unknown logical operator %q", t.Operator)
		}
		if err := checkFilter(t.Left); err != nil {
			return err
		}
		return checkFilter(t.Right)
	case *filter.NotExpression:
		return checkFilter(t.Expression)
	case *filter.ValuePath:
		if t.ValueFilter == nil {
			return fmt.Errorf("empty value filter")
		}
		return checkFilter(t.ValueFilter)
	case *filter.AttributeExpression:
		switch strings.ToLower(string(t.Operator)) {
		case "eq", "ne", "pr":
		case "co", "sw", "ew":
			if _, ok := t.CompareValue.(string); !ok {
				return fmt.Errorf("%s needs a string", t.Operator)
			}
		case "gt", "ge", "lt", "le":
			switch t.CompareValue.(type) {
			case string, float64, int, json.Number:
			default:
				return fmt.Errorf("%s cannot compare booleans or null", t.Operator)
			}
		default:
			return fmt.Errorf("unknown operator %q", t.Operator)
		}
		return nil
	default:
		return fmt.Errorf("unknown expression")
	}
}

// matches reports whether the resource (or multi-valued element) m matches
// e. schema is the core schema URN, which may prefix attribute names.
func matches(e filter.Expression, m map[string]any, schema string) bool {
	switch t := e.(type) {
	case *filter.LogicalExpression:
		if strings.EqualFold(string(t.Operator), "and") {
			return matches(t.Left, m, schema) && matches(t.Right, m, schema)
		}
		return matches(t.Left, m, schema) || matches(t.Right, m, schema)
	case *filter.NotExpression:
		return !matches(t.Expression, m, schema)
	case *filter.ValuePath:
		v, _ := attrValue(m, t.AttributePath, schema)
		for _, el := range elements(v) {
			if em, ok := el.(map[string]any); ok && matches(t.ValueFilter, em, schema) {
				return true
			}
		}
		return false
	case *filter.AttributeExpression:
		vals := leafValues(m, t.AttributePath, schema)
		op := strings.ToLower(string(t.Operator))
		switch op {
		case "pr":
			for _, v := range vals {
				if present(v) {
					return true
				}
			}
			return false
		case "ne":
			return !anyCompare(vals, "eq", t.CompareValue, caseExact(t.AttributePath))
		default:
			return anyCompare(vals, op, t.CompareValue, caseExact(t.AttributePath))
		}
	default:
		return false
	}
}

// caseExact reports the attributes RFC 7643 defines as caseExact (id,
// externalId, $ref, meta.location); every other string compares ignoring
// case.
func caseExact(p filter.AttributePath) bool {
	name := strings.ToLower(p.AttributeName)
	sub := strings.ToLower(p.SubAttributeName())
	return (sub == "" && (name == "id" || name == "externalid")) || sub == "$ref" || (name == "meta" && sub == "location")
}

// attrValue is the value of the attribute p names in m (an extension URN
// prefix selects the extension object).
func attrValue(m map[string]any, p filter.AttributePath, schema string) (any, bool) {
	container := m
	if uri := p.URI(); uri != "" && !strings.EqualFold(uri, schema) {
		ext, _ := getCI(m, uri)
		em, ok := ext.(map[string]any)
		if !ok {
			return nil, false
		}
		container = em
	}
	return getCI(container, p.AttributeName)
}

// leafValues lists the simple values p names: the attribute's value, each
// value of a multi-valued attribute, or each element's sub-attribute (for a
// complex multi-valued attribute without one, its "value", RFC 7644
// §3.4.2.2).
func leafValues(m map[string]any, p filter.AttributePath, schema string) []any {
	v, ok := attrValue(m, p, schema)
	if !ok {
		return nil
	}
	sub := p.SubAttributeName()
	var out []any
	for _, el := range elements(v) {
		em, isMap := el.(map[string]any)
		switch {
		case sub != "" && isMap:
			if sv, ok := getCI(em, sub); ok {
				out = append(out, elements(sv)...)
			}
		case sub != "":
		case isMap:
			if sv, ok := getCI(em, "value"); ok {
				out = append(out, sv)
			}
		default:
			out = append(out, el)
		}
	}
	return out
}

func elements(v any) []any {
	if list, ok := v.([]any); ok {
		return list
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func present(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case string:
		return t != ""
	case []any:
		return len(t) > 0
	case map[string]any:
		return len(t) > 0
	default:
		return true
	}
}

func anyCompare(vals []any, op string, want any, exact bool) bool {
	if want == nil && op == "eq" {
		// eq null matches an absent attribute.
		for _, v := range vals {
			if present(v) {
				return false
			}
		}
		return true
	}
	for _, v := range vals {
		if compare(v, op, want, exact) {
			return true
		}
	}
	return false
}

// compare applies one comparison operator (RFC 7644 §3.4.2.2 table 3).
func compare(have any, op string, want any, exact bool) bool {
	if hs, ok := have.(string); ok {
		ws, ok := want.(string)
		if !ok {
			return false
		}
		ws = unquote(ws)
		if !exact {
			hs, ws = strings.ToLower(hs), strings.ToLower(ws)
		}
		switch op {
		case "eq":
			return hs == ws
		case "co":
			return strings.Contains(hs, ws)
		case "sw":
			return strings.HasPrefix(hs, ws)
		case "ew":
			return strings.HasSuffix(hs, ws)
		}
		return ordered(strings.Compare(hs, ws), op)
	}
	if hb, ok := have.(bool); ok {
		wb, ok := want.(bool)
		return ok && op == "eq" && hb == wb
	}
	hf, ok1 := number(have)
	wf, ok2 := number(want)
	if !ok1 || !ok2 {
		return false
	}
	switch op {
	case "eq":
		return hf == wf
	case "co", "sw", "ew":
		return false
	}
	c := 0
	if hf < wf {
		c = -1
	} else if hf > wf {
		c = 1
	}
	return ordered(c, op)
}

func ordered(c int, op string) bool {
	switch op {
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	}
	return false
}

func number(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case int:
		return float64(t), true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	}
	return 0, false
}

// unquote resolves JSON escapes the parser leaves in a compare value
// (`"a\"b"` arrives as `a\"b`).
func unquote(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	if u, err := strconv.Unquote(`"` + s + `"`); err == nil {
		return u
	}
	return s
}
