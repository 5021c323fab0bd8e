package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Schema URIs of bulk messages (RFC 7644 §3.7).
const (
	BulkRequestSchema  = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
	BulkResponseSchema = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
)

// BulkOperation is one operation of a bulk request (RFC 7644 §3.7): an
// HTTP method on a path, with the resource (POST, PUT) or PATCH request
// (PATCH) as data. BulkID names a POST so that later operations and the
// response can refer to it.
type BulkOperation struct {
	Method  string `json:"method"`
	BulkID  string `json:"bulkId,omitempty"`
	Version string `json:"version,omitempty"`
	Path    string `json:"path"`
	Data    any    `json:"data,omitempty"`
}

// BulkRequest is the body of POST /Bulk, the type of gen/scimbulk's request
// body. Bulker builds and splits them.
type BulkRequest struct {
	// Schemas is [BulkRequestSchema]; MarshalJSON fills it in when empty.
	Schemas []string `json:"schemas"`
	// FailOnErrors stops the server after this many errors (0: never).
	FailOnErrors int             `json:"failOnErrors,omitempty"`
	Operations   []BulkOperation `json:"Operations"`
}

// MarshalJSON writes the request with schemas defaulted.
func (r BulkRequest) MarshalJSON() ([]byte, error) {
	type plain BulkRequest
	if len(r.Schemas) == 0 {
		r.Schemas = []string{BulkRequestSchema}
	}
	if r.Operations == nil {
		r.Operations = []BulkOperation{}
	}
	return json.Marshal(plain(r))
}

// BulkOperationResponse is the result of one bulk operation.
type BulkOperationResponse struct {
	Method   string     `json:"method"`
	BulkID   string     `json:"bulkId,omitempty"`
	Version  string     `json:"version,omitempty"`
	Location string     `json:"location,omitempty"`
	Status   BulkStatus `json:"status"`
	// Response is the error (RFC 7644 §3.12) or resource the server
	// returned for this operation, if any.
	Response json.RawMessage `json:"response,omitempty"`
}

// BulkResponse is the body of a bulk response, the type of gen/scimbulk's
// response.
type BulkResponse struct {
	Schemas    []string                `json:"schemas"`
	Operations []BulkOperationResponse `json:"Operations"`
}

// BulkStatus is an operation's HTTP status. RFC 7644 §3.7.3 sends it as a
// string ("201"); WSO2 IS and Asgardeo send {"code": 201}. Both decode;
// it encodes as RFC 7644's string.
type BulkStatus int

// MarshalJSON writes the status as RFC 7644's string.
func (s BulkStatus) MarshalJSON() ([]byte, error) {
	return json.Marshal(strconv.Itoa(int(s)))
}

// UnmarshalJSON reads "201", 201 or {"code": 201} / {"code": "201"}.
func (s *BulkStatus) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var obj struct {
			Code json.RawMessage `json:"code"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			return fmt.Errorf("scim: bulk status: %w", err)
		}
		b = bytes.TrimSpace(obj.Code)
	}
	if len(b) > 0 && b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return fmt.Errorf("scim: bulk status: %w", err)
		}
		b = []byte(str)
	}
	n, err := strconv.Atoi(string(b))
	if err != nil || n < 100 || n > 999 {
		return fmt.Errorf("scim: bulk status %.20q is not an HTTP status", b)
	}
	*s = BulkStatus(n)
	return nil
}
