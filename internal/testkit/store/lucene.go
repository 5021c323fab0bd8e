package store

import (
	"fmt"
	"strings"
)

// The q parameter of GET /users is Lucene query syntax
// (https://auth0.com/docs/manage-users/user-search/user-search-query-syntax).
// This store evaluates the subset provisioning jobs use: field:value and
// field:"quoted value" terms joined by AND, a trailing * for a prefix
// (email:"jo*" or email:jo*), and dotted fields (identities.connection,
// app_metadata.plan). Values compare ignoring case. Anything else (OR, NOT,
// ranges, groups, implicit operators) is a 400 that says so, rather than a
// silently wrong result.

const maxQueryLen = 2048

// luceneTerm is one field:value term.
type luceneTerm struct {
	field  []string
	value  string
	prefix bool
}

type luceneQuery []luceneTerm

func parseLucene(q string) (luceneQuery, *auth0Error) {
	if len(q) > maxQueryLen {
		return nil, invalidQuery("Query validation error: q is longer than %d characters.", maxQueryLen)
	}
	var out luceneQuery
	rest := strings.TrimSpace(q)
	for rest != "" {
		if len(out) > 0 {
			op, after, ok := strings.Cut(rest, " ")
			if !ok || op != "AND" {
				return nil, invalidQuery("Query validation error: this test store joins q terms with AND only, got %q.", rest)
			}
			rest = strings.TrimSpace(after)
		}
		t, after, aerr := parseTerm(rest)
		if aerr != nil {
			return nil, aerr
		}
		out = append(out, t)
		rest = strings.TrimSpace(after)
	}
	return out, nil
}

func parseTerm(s string) (luceneTerm, string, *auth0Error) {
	field, rest, ok := strings.Cut(s, ":")
	if !ok || field == "" || strings.ContainsAny(field, " \t()\"*[]{}") {
		return luceneTerm{}, "", invalidQuery("Query validation error: this test store supports field:value terms, got %q.", s)
	}
	if field == "NOT" || field == "OR" {
		return luceneTerm{}, "", invalidQuery("Query validation error: %s is not supported by this test store.", field)
	}
	t := luceneTerm{field: strings.Split(field, ".")}
	var raw string
	if strings.HasPrefix(rest, `"`) {
		var b strings.Builder
		i := 1
		for ; i < len(rest) && rest[i] != '"'; i++ {
			if rest[i] == '\\' && i+1 < len(rest) {
				i++
			}
			b.WriteByte(rest[i])
		}
		if i >= len(rest) {
			return luceneTerm{}, "", invalidQuery("Query validation error: unterminated quoted value in %q.", s)
		}
		raw, rest = b.String(), rest[i+1:]
	} else {
		end := strings.IndexAny(rest, " \t")
		if end < 0 {
			end = len(rest)
		}
		raw, rest = rest[:end], rest[end:]
		if raw == "" || strings.ContainsAny(raw, "()[]{}\"") {
			return luceneTerm{}, "", invalidQuery("Query validation error: this test store does not support the value %q.", raw)
		}
	}
	if strings.HasSuffix(raw, "*") {
		t.prefix, raw = true, strings.TrimSuffix(raw, "*")
	}
	if strings.Contains(raw, "*") {
		return luceneTerm{}, "", invalidQuery("Query validation error: only a trailing * is supported, got %q.", s)
	}
	t.value = strings.ToLower(raw)
	return t, rest, nil
}

// match reports whether every term matches u.
func (q luceneQuery) match(u map[string]any) bool {
	for _, t := range q {
		if !t.match(u, t.field) {
			return false
		}
	}
	return true
}

func (t luceneTerm) match(v any, path []string) bool {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if t.match(e, path) {
				return true
			}
		}
		return false
	case map[string]any:
		if len(path) == 0 {
			return false
		}
		next, ok := x[path[0]]
		return ok && t.match(next, path[1:])
	case nil:
		return false
	}
	if len(path) > 0 {
		return false
	}
	s := strings.ToLower(fmt.Sprint(v))
	if t.prefix {
		return strings.HasPrefix(s, t.value)
	}
	return s == t.value
}
