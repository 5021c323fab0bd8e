package testkit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Request is a request the kit received: what a typed handler gets, and
// what [Server.Requests] records.
type Request struct {
	// Operation is the operationId of the operation the request routed to;
	// "" when it routed to none.
	Operation string
	// Method and Path are the method and the URL path as received
	// (escaped), e.g. "GET" and "/api/v2/users/auth0%7C1".
	Method, Path string
	// Template is the operation's path template below the API's base, e.g.
	// "/users/{id}".
	Template string
	// PathParams are the path parameters by name, decoded ("auth0|1").
	PathParams map[string]string
	// Query is the parsed query string.
	Query url.Values
	// Header is the request header (Authorization included: the token is
	// the kit's own, never a real secret).
	Header http.Header
	// Body is the request body as received.
	Body []byte

	status int
}

// PathParam is the path parameter called name ("" when there is none).
func (r *Request) PathParam(name string) string { return r.PathParams[name] }

// SetStatus makes a typed handler answer with status code instead of the
// operation's first declared success status. It must be one the operation
// declares: the answer is validated.
func (r *Request) SetStatus(code int) { r.status = code }

// Decode decodes the JSON body of r into a T (for example the generated
// request body type of the operation).
func Decode[T any](r *Request) (T, error) {
	var v T
	if r == nil || len(r.Body) == 0 {
		return v, fmt.Errorf("testkit: %s has no body to decode", r.describe())
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		return v, fmt.Errorf("testkit: decode the body of %s as %T: %w", r.describe(), v, err)
	}
	return v, nil
}

func (r *Request) describe() string {
	if r == nil {
		return "a nil request"
	}
	if r.Operation != "" {
		return fmt.Sprintf("%s %s (%s)", r.Method, r.Path, r.Operation)
	}
	return r.Method + " " + r.Path
}

// clone copies r for the recording.
func (r *Request) clone() *Request {
	c := *r
	c.status = 0
	c.Header = r.Header.Clone()
	c.Query = url.Values{}
	for k, v := range r.Query {
		c.Query[k] = append([]string(nil), v...)
	}
	c.PathParams = map[string]string{}
	for k, v := range r.PathParams {
		c.PathParams[k] = v
	}
	c.Body = append([]byte(nil), r.Body...)
	return &c
}

// StatusError is an error a typed handler returns to answer with the
// vendor's error body: Status is the status code (4xx or 5xx), Message the
// error message in the body.
type StatusError struct {
	Status  int
	Message string
}

// Error is "<status> <message>".
func (e *StatusError) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Message) }
