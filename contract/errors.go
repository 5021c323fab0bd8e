package contract

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Where tells which half of an exchange a [Violation] is about.
type Where string

// The two halves of an exchange.
const (
	InRequest  Where = "request"
	InResponse Where = "response"
)

// Violation is one way in which a request or a response does not match the
// document.
type Violation struct {
	// Where is InRequest or InResponse.
	Where Where
	// Method and Path are the request's method and URL path as sent (with
	// the server base path, without the query).
	Method string
	Path   string
	// Operation is the operationId (or "METHOD /template" when the document
	// gives none) of the routed operation; empty when no operation matched.
	Operation string
	// Status is the response status code for response violations, else 0.
	Status int
	// Message says what is wrong. It never holds credentials (see the
	// package documentation) and is at most a few KiB long.
	Message string
}

// String formats v on one line.
func (v Violation) String() string {
	var b strings.Builder
	b.WriteString(v.Method)
	b.WriteByte(' ')
	b.WriteString(v.Path)
	if v.Operation != "" {
		b.WriteString(" (")
		b.WriteString(v.Operation)
		b.WriteByte(')')
	}
	b.WriteString(": ")
	b.WriteString(string(v.Where))
	if v.Status != 0 {
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(v.Status))
	}
	b.WriteString(": ")
	b.WriteString(v.Message)
	return b.String()
}

// Error is returned by the transport's RoundTrip when a request or a response
// does not match the document. It lists every violation found (request
// validation collects all of them; response validation stops at the first
// failing header or the body). Use [errors.As] to get it from the error
// returned by an [http.Client], which wraps it in a *url.Error. Log the
// *Error rather than the client's error when the URL may carry a secret: the
// *url.Error repeats the request URL, query string included.
type Error struct {
	Violations []Violation
}

// Error lists the violations, one per line after the first.
func (e *Error) Error() string {
	switch len(e.Violations) {
	case 0:
		return "contract: no violations"
	case 1:
		return "contract: " + e.Violations[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "contract: %d violations:", len(e.Violations))
	for _, v := range e.Violations {
		b.WriteString("\n  - ")
		b.WriteString(v.String())
	}
	return b.String()
}

const (
	// maxMessageLen bounds one violation message.
	maxMessageLen = 2048
	// maxViolations bounds the violations reported for one half of an
	// exchange; the rest are counted in a last violation.
	maxViolations = 50
)

// truncate cuts s to at most n bytes (on a rune boundary) and says how much
// was dropped.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut < len(s) && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + fmt.Sprintf("... (%d bytes truncated)", len(s)-cut)
}

// redactor replaces secret values taken from a request.
type redactor struct{ secrets []string }

// minSecretLen avoids redacting short values such as "1" everywhere.
const minSecretLen = 4

func newRedactor(req *http.Request) *redactor {
	r := &redactor{}
	add := func(v string) {
		v = strings.TrimSpace(v)
		if len(v) >= minSecretLen {
			r.secrets = append(r.secrets, v)
		}
	}
	for name, values := range req.Header {
		lower := strings.ToLower(name)
		switch {
		case lower == "authorization" || lower == "proxy-authorization":
			for _, v := range values {
				add(v)
				if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
					add(cred)
				}
			}
		case lower == "cookie":
			for _, c := range req.Cookies() {
				add(c.Value)
			}
			for _, v := range values {
				add(v)
			}
		case sensitiveName(lower):
			for _, v := range values {
				add(v)
			}
		}
	}
	if req.URL != nil {
		for name, values := range req.URL.Query() {
			if sensitiveName(strings.ToLower(name)) {
				for _, v := range values {
					add(v)
				}
			}
		}
	}
	return r
}

func sensitiveName(lower string) bool {
	for _, w := range []string{"token", "secret", "key", "password", "passwd", "session", "auth", "credential", "signature"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

func (r *redactor) clean(s string) string {
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, "[REDACTED]")
	}
	return truncate(s, maxMessageLen)
}

// messages turns a kin-openapi validation error into violation messages.
func messages(err error) []string {
	var out []string
	collect(err, "", &out)
	if len(out) > maxViolations {
		n := len(out) - maxViolations + 1
		out = append(out[:maxViolations-1], fmt.Sprintf("... and %d more", n))
	}
	return out
}

func collect(err error, prefix string, out *[]string) {
	if err == nil {
		return
	}
	join := func(s string) string {
		if prefix == "" {
			return s
		}
		if s == "" {
			return prefix
		}
		return prefix + ": " + s
	}
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, sub := range e {
			collect(sub, prefix, out)
		}
	case *openapi3filter.RequestError:
		p := prefix
		switch {
		case e.Parameter != nil:
			p = join(fmt.Sprintf("parameter %q in %s", e.Parameter.Name, e.Parameter.In))
		case e.RequestBody != nil:
			p = join("body")
		}
		if e.Err == nil {
			*out = append(*out, joinNonEmpty(p, e.Reason))
			return
		}
		if e.Reason != "" && e.Reason != e.Err.Error() {
			p = joinNonEmpty(p, e.Reason)
		}
		collect(e.Err, p, out)
	case *openapi3filter.ResponseError:
		p := joinNonEmpty(prefix, e.Reason)
		if e.Err == nil {
			*out = append(*out, p)
			return
		}
		collect(e.Err, p, out)
	case *openapi3filter.SecurityRequirementsError:
		var reasons []string
		for _, sub := range e.Errors {
			var ms []string
			collect(sub, "", &ms)
			reasons = append(reasons, ms...)
		}
		*out = append(*out, join("security requirements not met: "+strings.Join(reasons, " | ")))
	case *openapi3filter.ParseError:
		msg := e.Reason
		if root := e.RootCause(); root != nil && root != e {
			msg = joinNonEmpty(msg, root.Error())
		}
		if msg == "" {
			msg = "cannot parse value"
		}
		if path := e.Path(); len(path) > 0 {
			msg = fmt.Sprintf("at %s: %s", pointer(path), msg)
		}
		*out = append(*out, join(msg))
	case *openapi3.SchemaError:
		schemaMessages(e, join, out)
	default:
		*out = append(*out, join(err.Error()))
	}
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ": " + b
}

func pointer(path []any) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		fmt.Fprint(&b, p)
	}
	return b.String()
}

// schemaMessages formats a schema error without its value: kin-openapi's own
// Error() prints the failing value and the schema, and the JSON Schema
// 2020-12 validator's messages quote values that fail a pattern or a format.
func schemaMessages(e *openapi3.SchemaError, join func(string) string, out *[]string) {
	var verr *jsonschema.ValidationError
	if errors.As(e, &verr) {
		before := len(*out)
		jsonSchemaLeaves(verr, join, out)
		if len(*out) > before {
			return
		}
	}
	loc := "/" + strings.Join(e.JSONPointer(), "/")
	reason := e.Reason
	if reason == "" {
		reason = fmt.Sprintf("does not match schema keyword %q", e.SchemaField)
	}
	// A oneOf/anyOf failure says which branches failed in its origin.
	var nested openapi3.MultiError
	if errors.As(e.Origin, &nested) {
		var subs []string
		for _, sub := range nested {
			collect(sub, "", &subs)
		}
		if len(subs) > 3 {
			subs = append(subs[:3], fmt.Sprintf("%d more", len(subs)-3))
		}
		if len(subs) > 0 {
			reason += " [" + strings.Join(subs, "; ") + "]"
		}
	}
	*out = append(*out, join(fmt.Sprintf("at %s: %s", loc, reason)))
}

func jsonSchemaLeaves(verr *jsonschema.ValidationError, join func(string) string, out *[]string) {
	if len(verr.Causes) > 0 {
		for _, c := range verr.Causes {
			jsonSchemaLeaves(c, join, out)
		}
		return
	}
	var msg string
	switch k := verr.ErrorKind.(type) {
	case *kind.Pattern:
		msg = fmt.Sprintf("does not match pattern %q", k.Want)
	case *kind.Format:
		msg = fmt.Sprintf("is not a valid %s", k.Want)
	default:
		msg = verr.ErrorKind.LocalizedString(message.NewPrinter(language.English))
	}
	loc := "/" + strings.Join(verr.InstanceLocation, "/")
	*out = append(*out, join(fmt.Sprintf("at %s: %s", loc, msg)))
}
