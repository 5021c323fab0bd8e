// Package redact renders request URLs for error messages and logs without
// the parts that may carry secrets.
//
// Query values (for example ?access_token=...), user info (user:password@)
// and fragments never leave this package; query keys are kept because they
// help debugging (skip, take, page) and are not secret themselves.
package redact

import (
	"net/url"
	"sort"
	"strings"
)

// Placeholder replaces every redacted value.
const Placeholder = "REDACTED"

// URL returns u as a string with user info and fragment dropped and every
// query value replaced by [Placeholder]. A nil URL yields "".
func URL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	c.ForceQuery = false
	c.RawQuery = query(u.RawQuery)
	return c.String()
}

// query keeps the keys of raw (sorted, deduplicated) and redacts the values.
// Unparsable queries are replaced as a whole.
func query(raw string) string {
	if raw == "" {
		return ""
	}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return Placeholder
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(Placeholder)
	}
	return b.String()
}

// String returns s with every occurrence of u's raw query and user info
// replaced, for error texts from lower layers that may embed the full URL.
func String(s string, u *url.URL) string {
	if u == nil {
		return s
	}
	if u.RawQuery != "" {
		s = strings.ReplaceAll(s, u.RawQuery, query(u.RawQuery))
	}
	if u.User != nil {
		if ui := u.User.String(); ui != "" {
			s = strings.ReplaceAll(s, ui+"@", "")
		}
	}
	return s
}
