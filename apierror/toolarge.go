package apierror

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact"
)

// TooLargeError reports a response body longer than the limit of the
// generated client that read it. The client stops reading one byte past the
// limit, so a huge or endless body costs at most the limit in memory. It is
// returned (unchanged by [Checked]) instead of the response.
type TooLargeError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Method and URL identify the request; URL has query values and user
	// info redacted.
	Method string
	URL    string
	// Limit is the number of bytes the client reads at most.
	Limit int64
	// Option names the client option that changes Limit, for example
	// "auth0.WithMaxResponseBody".
	Option string
}

// NewTooLargeError describes resp, whose body exceeded limit, for the
// generated clients' Parse...Response functions. option names the client
// option that raises the limit.
func NewTooLargeError(resp *http.Response, limit int64, option string) *TooLargeError {
	e := &TooLargeError{Limit: limit, Option: option}
	if resp != nil {
		e.StatusCode = resp.StatusCode
		if req := resp.Request; req != nil {
			e.Method, e.URL = req.Method, redact.URL(req.URL)
		}
	}
	return e
}

// Error returns a one-line, secret-free description such as
//
//	GET https://t.eu.auth0.com/api/v2/users: 500 response body is longer than the client's limit of 33554432 bytes (set it with auth0.WithMaxResponseBody)
func (e *TooLargeError) Error() string {
	var b strings.Builder
	if e.Method != "" || e.URL != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.URL))
		b.WriteString(": ")
	}
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode) + " ")
	}
	b.WriteString("response body is longer than the client's limit of ")
	b.WriteString(strconv.FormatInt(e.Limit, 10) + " bytes")
	if e.Option != "" {
		b.WriteString(" (set it with " + clean(e.Option) + ")")
	}
	return b.String()
}
