// Package redacttest builds, for tests, the encodings in which a server may
// echo a secret, independently of package redact.
package redacttest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Encodings returns the forms a server might echo s in, by name, each built
// independently of package redact: percent-encodings (several escape sets,
// %20 and +, upper- and lower-case hex, twice), JSON escapes (HTML-safe or
// not, "\\/", \\uXXXX in both cases) and base64 (std, url, raw, and inside a
// longer encoded text at each alignment).
func Encodings(s string) map[string]string {
	m := map[string]string{
		"raw":                s,
		"QueryEscape":        url.QueryEscape(s),
		"QueryEscape %20":    strings.ReplaceAll(url.QueryEscape(s), "+", "%20"),
		"PathEscape":         url.PathEscape(s),
		"encodeURIComponent": encodeURIComponent(s),
		"every byte %XX":     pctAll(s, "%%%02X"),
		"every byte %xx":     pctAll(s, "%%%02x"),
		"double QueryEscape": url.QueryEscape(url.QueryEscape(s)),
		"json HTML-escaped":  jsonString(s, true),
		"json no HTML":       jsonString(s, false),
		"json \\/":           strings.ReplaceAll(jsonString(s, false), "/", `\/`),
		"json \\uXXXX all":   jsonUAll(s, "\\u%04X"),
		"json \\uxxxx all":   jsonUAll(s, "\\u%04x"),
		"base64 std":         base64.StdEncoding.EncodeToString([]byte(s)),
		"base64 url":         base64.URLEncoding.EncodeToString([]byte(s)),
		"base64 raw std":     base64.RawStdEncoding.EncodeToString([]byte(s)),
		"base64 raw url":     base64.RawURLEncoding.EncodeToString([]byte(s)),
	}
	for _, k := range []string{"QueryEscape", "QueryEscape %20", "PathEscape", "encodeURIComponent", "double QueryEscape"} {
		m[k+" lower-case hex"] = lowerHex(m[k])
	}
	for lead := 1; lead <= 3; lead++ {
		m[fmt.Sprintf("base64 inside, offset %d", lead)] = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", lead) + s + "tail"))
		m[fmt.Sprintf("base64url inside, offset %d", lead)] = base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("y", lead) + s))
	}
	return m
}

func encodeURIComponent(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func pctAll(s, format string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, format, s[i])
	}
	return b.String()
}

func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = bytes.ToLower(b[i+1 : i+2])[0], bytes.ToLower(b[i+2 : i+3])[0]
		}
	}
	return string(b)
}

func jsonString(s string, html bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(html)
	_ = enc.Encode(s)
	out := strings.TrimSpace(buf.String())
	return out[1 : len(out)-1]
}

func jsonUAll(s, format string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0xFFFF {
			r -= 0x10000
			fmt.Fprintf(&b, format, 0xD800+(r>>10))
			fmt.Fprintf(&b, format, 0xDC00+(r&0x3FF))
			continue
		}
		fmt.Fprintf(&b, format, r)
	}
	return b.String()
}
