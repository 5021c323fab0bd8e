package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

const (
	maxBodySnippet = 512
	maxFieldLen    = 256
)

// fetched is a token as the endpoint returned it.
type fetched struct {
	token    *oauth2.Token // AccessToken, TokenType "Bearer", Extra fields; Expiry set later
	lifetime time.Duration // from the moment the request was sent
}

// tokenFields are the RFC 6749 §5.1 and §5.2 members we read.
type tokenFields struct {
	AccessToken      *string         `json:"access_token"`
	TokenType        *string         `json:"token_type"`
	ExpiresIn        json.RawMessage `json:"expires_in"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
	ErrorURI         string          `json:"error_uri"`
}

// parseResponse turns a token endpoint's answer into a token or an *Error.
// scrub removes secrets from any text taken from the response.
func parseResponse(status int, header http.Header, body []byte, scrub func(string) string) (fetched, error) {
	if status < 200 || status > 299 {
		return fetched{}, errorResponse(status, header, body, scrub)
	}
	fail := func(format string, args ...any) (fetched, error) {
		return fetched{}, &Error{StatusCode: status, Description: fmt.Sprintf(format, args...)}
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return fail("empty response body")
	}
	if trimmed[0] != '{' {
		return fail("response body is not a JSON object (Content-Type %q)", clip(mediaType(header), 64))
	}
	var f tokenFields
	if err := json.Unmarshal(trimmed, &f); err != nil {
		return fail("response body is not valid token JSON")
	}
	if f.Error != "" {
		// Some servers send errors with 200.
		return fetched{}, &Error{StatusCode: status, Code: field(scrub, f.Error), Description: field(scrub, f.ErrorDescription), URI: field(scrub, f.ErrorURI)}
	}
	if f.AccessToken == nil || *f.AccessToken == "" {
		return fail("response has no access_token")
	}
	if !validToken(*f.AccessToken) {
		return fail("access_token contains characters not allowed in an HTTP header")
	}
	if f.TokenType != nil && *f.TokenType != "" && !strings.EqualFold(*f.TokenType, "bearer") {
		return fail("token_type %q is not supported (only Bearer)", clip(oneLine(scrub(*f.TokenType)), 32))
	}
	lifetime, err := parseExpiresIn(f.ExpiresIn)
	if err != nil {
		return fail("%v", err)
	}
	var raw map[string]any
	_ = json.Unmarshal(trimmed, &raw)
	tok := (&oauth2.Token{AccessToken: *f.AccessToken, TokenType: "Bearer"}).WithExtra(raw)
	return fetched{token: tok, lifetime: lifetime}, nil
}

// parseExpiresIn applies the lifetime rules documented in the package doc.
func parseExpiresIn(raw json.RawMessage) (time.Duration, error) {
	s := string(bytes.TrimSpace(raw))
	if s == "" || s == "null" {
		return DefaultLifetime, nil
	}
	if s[0] == '"' {
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return 0, fmt.Errorf("expires_in is not a number")
		}
		s = strings.TrimSpace(str)
	}
	v, err := strconv.ParseFloat(s, 64)
	if errors.Is(err, strconv.ErrRange) {
		// Out of float64 range (1e400, 1e-400): ParseFloat returned ±Inf
		// or 0, which the rules below cap or accept like any huge or tiny
		// value.
		err = nil
	}
	if err != nil || math.IsNaN(v) || s == "" || strings.ContainsAny(s, "xXpPnNiI_") {
		return 0, fmt.Errorf("expires_in is not a number")
	}
	switch {
	case v < 0:
		return 0, fmt.Errorf("expires_in is negative")
	case v >= MaxLifetime.Seconds():
		return MaxLifetime, nil
	}
	return time.Duration(v * float64(time.Second)), nil
}

// validToken reports whether t can go into an Authorization header: visible
// ASCII without spaces (RFC 6750 b64token is a subset).
func validToken(t string) bool {
	for i := 0; i < len(t); i++ {
		if c := t[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

func errorResponse(status int, header http.Header, body []byte, scrub func(string) string) *Error {
	e := &Error{StatusCode: status, RetryAfter: retryAfter(header.Get("Retry-After"), time.Now())}
	var f tokenFields
	if json.Unmarshal(bytes.TrimSpace(body), &f) == nil {
		e.Code = field(scrub, f.Error)
		e.Description = field(scrub, f.ErrorDescription)
		e.URI = field(scrub, f.ErrorURI)
	}
	e.Body = clip(scrub(string(body)), maxBodySnippet)
	return e
}

// retryAfter parses a Retry-After value (delay-seconds or HTTP-date).
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if errors.Is(err, strconv.ErrRange) && v[0] != '-' {
		return maxRetryAfter // a delay too large for int: "not soon"
	}
	if err == nil {
		if n <= 0 {
			return 0
		}
		if n > int(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d <= 0 {
			return 0
		}
		return min(d, maxRetryAfter)
	}
	return 0
}

func mediaType(h http.Header) string {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return h.Get("Content-Type")
	}
	return mt
}

// field prepares a server-sent string for an Error field: secrets
// scrubbed, on one line, bounded.
func field(scrub func(string) string, s string) string {
	return clip(oneLine(scrub(s)), maxFieldLen)
}

// oneLine replaces control characters (C0, DEL, C1 and the Unicode line and
// paragraph separators) with spaces, so that server text cannot start a new
// log line or rewrite the terminal.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return ' '
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '\u2028' || r == '\u2029'
}

// clip shortens s to at most n bytes without splitting a UTF-8 sequence and
// replaces invalid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
