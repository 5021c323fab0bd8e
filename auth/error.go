package auth

import (
	"strconv"
	"strings"
	"time"
)

// Error is a token endpoint's answer that did not yield a token: an RFC 6749
// §5.2 error response, or a response that could not be used (wrong status,
// body that is not a valid token response, a redirect). It never contains the
// client secret (in any common encoding, see the package documentation) or an
// access token, and its Error text is one line: control characters the
// server sent (CR, LF, ...) are replaced by spaces.
type Error struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Code is the RFC 6749 "error" field, e.g. "invalid_client"; empty
	// when the body had none.
	Code string
	// Description and URI are "error_description" and "error_uri".
	Description, URI string
	// Body is the start of a non-2xx response body (at most 512 bytes),
	// scrubbed of the client secret in every common encoding, for
	// diagnostics. It may hold line breaks; Error quotes it.
	Body string
	// RetryAfter is the delay asked for by a Retry-After header, or 0.
	RetryAfter time.Duration
}

// Error reports the status, the OAuth error code and description.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("auth: token endpoint answered ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(oneLine(e.Code))
	}
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Description))
	}
	if e.Code == "" && e.Description == "" && e.Body != "" {
		b.WriteString(": ")
		b.WriteString(strconv.Quote(e.Body))
	}
	return b.String()
}

// Temporary reports whether trying again later may succeed: 408, 429 and 5xx
// answers. Backoff applies to every failure either way.
func (e *Error) Temporary() bool {
	return e.StatusCode == 408 || e.StatusCode == 429 || e.StatusCode >= 500
}
