package apierror

import (
	"bytes"
	"encoding/json"
	"mime"
	"slices"
	"strconv"
	"strings"
)

// Problem is an RFC 9457 problem details body (application/problem+json),
// the error format of the Umbraco Management API.
type Problem struct {
	Type     string
	Title    string
	Status   int
	Detail   string
	Instance string
	// Extensions holds every other member, for example Umbraco's
	// "operationStatus" or a validation "errors" object.
	Extensions map[string]json.RawMessage
}

// Auth0Error is the error body of the Auth0 Management API v2.
type Auth0Error struct {
	StatusCode int
	// Error is the status text, for example "Bad Request".
	Error   string
	Message string
	// ErrorCode is a stable code such as "inexistent_user"; not always sent.
	ErrorCode string
}

// SCIMErrorSchema identifies a SCIM error response (RFC 7644 section 3.12).
const SCIMErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"

// SCIMError is a SCIM 2.0 error body, as sent by Asgardeo's SCIM2 Users
// and Groups endpoints.
type SCIMError struct {
	Schemas []string
	// Status is the HTTP status, sent as a string by the RFC and as a
	// number by some servers; both are accepted.
	Status int
	// ScimType is the detail error keyword, for example "uniqueness" or
	// "invalidFilter"; only sent for some 400 and 409 errors.
	ScimType string
	Detail   string
}

// AsgardeoError is the error body of Asgardeo's non-SCIM REST APIs, such as
// the Applications management API.
type AsgardeoError struct {
	Code        string
	Message     string
	Description string
	TraceID     string
}

// parseBody fills e's format-specific fields from body, recognising the
// format by its members. Bodies that are not a JSON object stay raw.
func (e *Error) parseBody(body []byte) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return
	}
	switch {
	case isSCIM(m, e.ContentType):
		s := &SCIMError{Schemas: strs(m["schemas"]), Status: num(m["status"]), ScimType: str(m["scimType"]), Detail: str(m["detail"])}
		e.SCIM, e.Code, e.Message = s, s.ScimType, s.Detail
	case has(m, "statusCode") && (has(m, "message") || has(m, "error")):
		a := &Auth0Error{StatusCode: num(m["statusCode"]), Error: str(m["error"]), Message: str(m["message"]), ErrorCode: str(m["errorCode"])}
		e.Auth0, e.Code, e.Message = a, a.ErrorCode, a.Message
		if e.Message == "" {
			e.Message = a.Error
		}
	case isProblemType(e.ContentType) || (has(m, "title") && (has(m, "status") || has(m, "type"))):
		p := &Problem{Type: str(m["type"]), Title: str(m["title"]), Status: num(m["status"]), Detail: str(m["detail"]), Instance: str(m["instance"])}
		for k, v := range m {
			switch k {
			case "type", "title", "status", "detail", "instance":
			default:
				if p.Extensions == nil {
					p.Extensions = map[string]json.RawMessage{}
				}
				p.Extensions[k] = v
			}
		}
		e.Problem = p
		e.Code = str(m["operationStatus"])
		if e.Code == "" && p.Type != "" && p.Type != "about:blank" && p.Type != "Error" {
			e.Code = p.Type
		}
		e.Message = join(p.Title, p.Detail)
	case has(m, "code") && (has(m, "message") || has(m, "description")):
		a := &AsgardeoError{Code: str(m["code"]), Message: str(m["message"]), Description: str(m["description"]), TraceID: str(m["traceId"])}
		e.Asgardeo, e.Code, e.Message = a, a.Code, join(a.Message, a.Description)
	}
}

// isSCIM recognises a SCIM error: by its schema URN, or, since servers and
// spec examples do not always send the URN, by a schemas array or the SCIM
// media type together with SCIM's detail or scimType.
func isSCIM(m map[string]json.RawMessage, contentType string) bool {
	if slices.Contains(strs(m["schemas"]), SCIMErrorSchema) {
		return true
	}
	scimish := has(m, "detail") || has(m, "scimType")
	return scimish && (strs(m["schemas"]) != nil || mediaType(contentType) == "application/scim+json")
}

func isProblemType(contentType string) bool {
	return mediaType(contentType) == "application/problem+json"
}

func mediaType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return mt
}

func has(m map[string]json.RawMessage, k string) bool {
	_, ok := m[k]
	return ok
}

// str decodes a JSON string member; other kinds yield "".
func str(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// num decodes a member sent as a JSON number or a numeric string.
func num(raw json.RawMessage) int {
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if i, err := n.Int64(); err == nil {
			return int(i)
		}
	}
	if i, err := strconv.Atoi(strings.TrimSpace(str(raw))); err == nil {
		return i
	}
	return 0
}

func strs(raw json.RawMessage) []string {
	var ss []string
	if json.Unmarshal(raw, &ss) != nil {
		return nil
	}
	return ss
}

// join combines a summary and its detail without repeating either.
func join(summary, detail string) string {
	switch {
	case summary == "":
		return detail
	case detail == "" || detail == summary:
		return summary
	}
	return summary + ": " + detail
}
