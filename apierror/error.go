// Package apierror turns non-2xx responses of the generated management API
// clients into Go errors.
//
// oapi-codegen clients report any HTTP status as success: a 404 or 429 comes
// back with err == nil. Wrap a ...WithResponse call in [Checked] (or call
// [Check] on an *http.Response) to get an [*Error] instead, carrying the
// status, the method, the URL without query values, and the error body
// parsed according to the vendor's format:
//
//   - RFC 9457 (formerly 7807) problem details, as sent by the Umbraco
//     Management API: [Problem];
//   - Auth0's {statusCode, error, message, errorCode}: [Auth0Error];
//   - the SCIM error schema (RFC 7644 section 3.12), as sent by Asgardeo's
//     SCIM2 endpoints: [SCIMError];
//   - Asgardeo's {code, message, description, traceId} of its other REST
//     APIs (Applications): [AsgardeoError].
//
// The format is recognised by the body's shape, not by which client sent the
// request. Other bodies are kept raw (truncated) in [Error.Body].
//
// The error text never contains query values, user info, request headers or
// the raw body, so it is safe to log: a query value that the server echoes
// in its code or message is replaced by "REDACTED" there (as a whole word,
// in the forms it was sent in, decoded or re-encoded). The format-specific
// fields ([Problem], [Auth0Error], ...) and [Error.Body] keep what the
// server sent.
package apierror

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// Error is a non-2xx response from a management API. Use errors.As to
// inspect it, or [StatusCode] for the status alone.
type Error struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Method and URL identify the request. URL has query values and user
	// info redacted.
	Method string
	URL    string

	// Code is the API's machine-readable error code, when it sent one:
	// Auth0's errorCode, SCIM's scimType, Asgardeo's code, or for problem
	// details Umbraco's operationStatus extension, else a non-default type.
	// Query values of the request are redacted in it.
	Code string
	// Message is the API's human-readable explanation: the problem's title
	// and detail, Auth0's message, SCIM's detail, Asgardeo's message and
	// description. Query values of the request are redacted in it.
	Message string

	// Exactly one of the following is set when the body had that format.
	Problem  *Problem
	Auth0    *Auth0Error
	SCIM     *SCIMError
	Asgardeo *AsgardeoError

	// ContentType is the response's Content-Type header.
	ContentType string
	// Body is the raw response body, truncated to MaxBody bytes. It is what
	// the server sent: not part of the error text, and not redacted.
	Body []byte
}

// MaxBody bounds [Error.Body] and how much of a response body [Check] reads.
const MaxBody = 64 << 10

// maxText bounds each server-provided string in the error text.
const maxText = 300

// Error returns a one-line, secret-free description such as
//
//	GET https://t.eu.auth0.com/api/v2/users/x: 404 Not Found: inexistent_user: The user does not exist.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Method != "" || e.URL != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.URL))
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if txt := http.StatusText(e.StatusCode); txt != "" {
		b.WriteString(" " + txt)
	}
	if e.Code != "" {
		b.WriteString(": " + clean(e.Code))
	}
	if e.Message != "" {
		b.WriteString(": " + clean(e.Message))
	}
	if e.Code == "" && e.Message == "" && len(e.Body) > 0 {
		ct := e.ContentType
		if ct == "" {
			ct = "unknown type"
		}
		b.WriteString(" (" + strconv.Itoa(len(e.Body)) + "-byte " + clean(ct) + " body)")
	}
	return b.String()
}

// StatusCode returns the HTTP status of the first [*Error] in err's chain,
// or 0 if there is none (for example a network error).
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// clean keeps server-provided text on one line and bounded.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxText {
		s = string(r[:maxText]) + "…"
	}
	return s
}
