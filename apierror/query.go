package apierror

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact"
)

// queryValues returns the request's query values in the forms a server may
// echo them in: decoded, as sent, and re-encoded.
func queryValues(u *url.URL) []string {
	if u == nil || u.RawQuery == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if strings.TrimSpace(s) != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, pair := range strings.FieldsFunc(u.RawQuery, func(r rune) bool { return r == '&' || r == ';' }) {
		_, raw, ok := strings.Cut(pair, "=")
		if !ok {
			continue
		}
		add(raw)
		if v, err := url.QueryUnescape(raw); err == nil {
			add(v)
			add(url.QueryEscape(v))
			add(url.PathEscape(v))
		}
	}
	return out
}

// redactValues replaces in s every occurrence of one of values that stands
// as a whole word: a value that starts or ends with a letter or digit must
// not be glued to another one there, so "1" leaves "401" alone.
func redactValues(s string, values []string) string {
	for _, v := range values {
		if !strings.Contains(s, v) {
			continue
		}
		var b strings.Builder
		rest := s
		for {
			i := strings.Index(rest, v)
			if i < 0 {
				b.WriteString(rest)
				break
			}
			j := i + len(v)
			if glued(rest[:i], v, true) || glued(rest[j:], v, false) {
				// Not a whole word: keep one byte and search on.
				b.WriteString(rest[:i+1])
				rest = rest[i+1:]
				continue
			}
			b.WriteString(rest[:i])
			b.WriteString(redact.Placeholder)
			rest = rest[j:]
		}
		s = b.String()
	}
	return s
}

// glued reports whether the text next to v (before it when before is set)
// continues a word that v's edge character is part of.
func glued(next, v string, before bool) bool {
	var edge, nb rune
	if before {
		edge, _ = utf8.DecodeRuneInString(v)
		if next == "" {
			return false
		}
		nb, _ = utf8.DecodeLastRuneInString(next)
	} else {
		edge, _ = utf8.DecodeLastRuneInString(v)
		if next == "" {
			return false
		}
		nb, _ = utf8.DecodeRuneInString(next)
	}
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return word(edge) && word(nb)
}
