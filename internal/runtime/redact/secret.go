package redact

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Secrets removes known secrets from text that a server sent back, in every
// encoding a server commonly echoes them in. Build it once per set of
// secrets with [NewSecrets]; it is safe for concurrent use.
//
// A secret is found however each of its characters is written:
//
//   - as itself;
//   - percent-encoded, with upper- or lower-case hex digits, and whether or
//     not the encoder escapes it (url.QueryEscape, url.PathEscape,
//     JavaScript's encodeURIComponent and encodeURI all differ), with a
//     space as "+" or "%20", and percent-encoded twice ("%252F");
//   - JSON-escaped: "\/", "\"", "\\", "\uXXXX" in either case (including
//     the HTML-safe escapes of Go's encoding/json and surrogate pairs).
//
// Standard, URL-safe, padded and unpadded base64 of each secret are found
// too, both as the whole encoding and at any byte alignment inside a longer
// encoded text (as in HTTP Basic's base64(id:secret)), provided the aligned
// part is at least 8 characters long.
type Secrets struct {
	raw []string       // the secrets themselves, replaced first byte for byte
	re  *regexp.Regexp // nil when there is nothing to find
}

// minBase64Core is the shortest aligned base64 fragment searched for: shorter
// ones could match unrelated text.
const minBase64Core = 8

// maxPatternSecret bounds the secrets searched in every encoding; a longer
// one (no real client secret is) is searched in its common literal forms.
const maxPatternSecret = 1024

// NewSecrets returns a Secrets that finds each non-empty secret. Pass
// derived credentials too, such as the "id:secret" of HTTP Basic, so their
// whole base64 form is found even where the secret alone is short.
func NewSecrets(secrets ...string) *Secrets {
	x := &Secrets{}
	var alts, lits []string
	seen := map[string]bool{}
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			alts = append(alts, p)
		}
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		x.raw = append(x.raw, s)
		lits = append(lits, literalForms(s)...)
		if len(s) > maxPatternSecret {
			continue
		}
		add(encodedPattern(s))
		// base64 of the secret and of its form-encoded forms, as in
		// Basic's base64(urlencode(id):urlencode(secret)).
		for _, form := range []string{s, url.QueryEscape(s), strings.ReplaceAll(url.QueryEscape(s), "+", "%20")} {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
				add(regexp.QuoteMeta(enc.EncodeToString([]byte(form))))
				for _, core := range base64Cores(enc, []byte(form)) {
					add(regexp.QuoteMeta(core))
				}
			}
		}
	}
	for _, l := range lits {
		add(l) // long secrets' literal forms; duplicates of the above are dropped
	}
	if len(alts) == 0 {
		return x
	}
	// Longer alternatives first, so the longest form is replaced whole.
	sortByLen(alts)
	re, err := regexp.Compile(strings.Join(alts, "|"))
	if err != nil {
		// The expression is too large: fall back to the literal forms.
		sortByLen(lits)
		re, _ = regexp.Compile(strings.Join(lits, "|"))
	}
	if re != nil {
		// Leftmost-longest: "%" must not end a match that "%25" continues.
		re.Longest()
	}
	x.re = re
	return x
}

// literalForms are the commonest encodings of s, as regexp literals.
func literalForms(s string) []string {
	var out []string
	for _, f := range []string{url.QueryEscape(s), url.PathEscape(s), base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))} {
		out = append(out, regexp.QuoteMeta(f))
	}
	return out
}

// Scrub returns s with every found secret replaced by [Placeholder].
func (x *Secrets) Scrub(s string) string { return x.Replace(s, Placeholder) }

// Replace returns s with every found secret replaced by repl.
func (x *Secrets) Replace(s, repl string) string {
	if x == nil || s == "" {
		return s
	}
	if x.re != nil {
		s = x.re.ReplaceAllLiteralString(s, repl)
	}
	// The expression covers the raw secrets; this pass catches what it
	// cannot express (invalid UTF-8).
	for _, r := range x.raw {
		s = strings.ReplaceAll(s, r, repl)
	}
	return s
}

// encodedPattern matches s with each rune in any of its textual encodings.
func encodedPattern(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteString("(?:")
		b.WriteString(regexp.QuoteMeta(string(r)))
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		b.WriteByte('|')
		for _, c := range buf[:n] {
			b.WriteString(pctByte(c))
		}
		b.WriteByte('|')
		for _, c := range buf[:n] {
			b.WriteString("%25" + hexPair(c)) // percent-encoded twice
		}
		b.WriteByte('|')
		b.WriteString(jsonU(r))
		switch r {
		case ' ':
			b.WriteString(`|\+|%2[bB]`) // "+", and "+" percent-encoded again
		case '/':
			b.WriteString(`|\\/`)
		case '"':
			b.WriteString(`|\\"`)
		case '\\':
			b.WriteString(`|\\\\`)
		case '\b':
			b.WriteString(`|\\b`)
		case '\f':
			b.WriteString(`|\\f`)
		case '\n':
			b.WriteString(`|\\n`)
		case '\r':
			b.WriteString(`|\\r`)
		case '\t':
			b.WriteString(`|\\t`)
		}
		b.WriteByte(')')
	}
	return b.String()
}

// pctByte matches %XX for c with either hex case.
func pctByte(c byte) string { return "%" + hexPair(c) }

func hexPair(c byte) string {
	const digits = "0123456789ABCDEF"
	return hexDigit(digits[c>>4]) + hexDigit(digits[c&15])
}

// hexDigit matches one hex digit in either case.
func hexDigit(d byte) string {
	if d >= 'A' && d <= 'F' {
		return "[" + string(d) + string(d+'a'-'A') + "]"
	}
	return string(d)
}

// jsonU matches the \uXXXX escape of r (a surrogate pair above U+FFFF).
func jsonU(r rune) string {
	u := func(v rune) string {
		h := fmt.Sprintf("%04X", v)
		return `\\u` + hexDigit(h[0]) + hexDigit(h[1]) + hexDigit(h[2]) + hexDigit(h[3])
	}
	if r > 0xFFFF {
		r -= 0x10000
		return u(0xD800+(r>>10)) + u(0xDC00+(r&0x3FF))
	}
	return u(r)
}

// base64Cores returns, for each of the three byte alignments at which s can
// start inside a longer encoded text, the part of the encoding that depends
// on s alone: whole 4-character groups covering only bytes of s.
func base64Cores(enc *base64.Encoding, s []byte) []string {
	var out []string
	for lead := range 3 {
		skip := (3 - lead) % 3 // bytes of s that share a group with the lead
		if len(s) <= skip {
			continue
		}
		body := s[skip:]
		body = body[:len(body)/3*3]
		if len(body) == 0 {
			continue
		}
		core := base64.RawStdEncoding.EncodeToString(body)
		if enc == base64.URLEncoding || enc == base64.RawURLEncoding {
			core = base64.RawURLEncoding.EncodeToString(body)
		}
		if len(core) >= minBase64Core {
			out = append(out, core)
		}
	}
	return out
}

func sortByLen(a []string) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && len(a[j]) > len(a[j-1]); j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
