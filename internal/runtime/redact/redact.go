// Package redact renders request URLs for error messages and logs without
// the parts that may carry secrets.
//
// Query values (for example ?access_token=...), user info (user:password@,
// also in the opaque form https:user:password@host) and fragments never leave
// this package; query keys are kept because they
// help debugging (skip, take, page) and are not secret themselves.
package redact

import (
	"net/url"
	"sort"
	"strconv"
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
	c.Opaque = opaque(u.Opaque)
	if c.Opaque == "" && c.Host == "" && strings.HasPrefix(c.EscapedPath(), "//") {
		// With no host left, a path such as "//bob:pw@h" would print as an
		// authority (url.Parse("//@//bob:pw@h") has an empty user info and
		// that path). A leading "/." keeps it a path when read back.
		c.Path = "/." + c.Path
		if c.RawPath != "" {
			c.RawPath = "/." + c.RawPath
		}
	}
	return c.String()
}

// opaque drops the user info of an opaque URL such as "https:user:pass@host"
// (url.Parse leaves "user:pass@host" in Opaque, not in User): everything up
// to the last "@" before the first "/".
func opaque(o string) string {
	auth := o
	if i := strings.IndexByte(auth, '/'); i >= 0 {
		auth = auth[:i]
	}
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		o = o[i+1:]
		if strings.HasPrefix(o, "//") {
			// "a:@//u:p@h" leaves "//u:p@h", which would print as an
			// authority; a leading "." keeps it opaque when read back.
			o = "." + o
		}
	}
	return o
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

// String returns s with every occurrence of u's raw query, fragment and user
// info replaced, for error texts from lower layers that may embed the full
// URL. Each part is also found in the escaped form a %q verb gives it, as
// in the text of a *url.Error.
func String(s string, u *url.URL) string {
	if u == nil {
		return s
	}
	replace := func(old, repl string) {
		if old == "" {
			return
		}
		s = strings.ReplaceAll(s, old, repl)
		if q := quoted(old); q != old {
			s = strings.ReplaceAll(s, q, quoted(repl))
		}
	}
	if u.RawQuery != "" {
		replace(u.RawQuery, query(u.RawQuery))
	}
	if f := u.EscapedFragment(); f != "" {
		replace("#"+f, "")
	}
	if u.User != nil {
		if ui := u.User.String(); ui != "" {
			replace(ui+"@", "")
		}
	}
	if u.Opaque != "" {
		if o := opaque(u.Opaque); o != u.Opaque {
			replace(u.Opaque, o)
		}
	}
	return s
}

// quoted is s as it appears inside a strconv.Quote (%q) result.
func quoted(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}
