package frontdoor

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/apierror"
)

// TestDecodeOne decodes the value and the one-element array into the same
// value, and refuses every other shape with an error that names the
// request, never a silently chosen element.
func TestDecodeOne(t *testing.T) {
	type schema struct {
		ID string `json:"id"`
	}
	respond := func(status int, body string) *http.Response {
		return &http.Response{
			StatusCode: status,
			Header:     http.Header{"Content-Type": {"application/scim+json"}},
			Body:       io.NopCloser(strings.NewReader(body)),
			Request:    &http.Request{Method: http.MethodGet, URL: &url.URL{Scheme: "https", Host: "is.example", Path: "/scim2/Schemas/x", RawQuery: "token=s3cr3t-value"}},
		}
	}
	for _, tc := range []struct {
		name, body string
		status     int
		want       string // the decoded id; "" when an error is expected
		err        string // a substring of the error
	}{
		{"object", `{"id":"urn:u"}`, 200, "urn:u", ""},
		{"one-element array", `[{"id":"urn:u"}]`, 200, "urn:u", ""},
		{"array after white space", " \n\t[{\"id\":\"urn:u\"}]", 200, "urn:u", ""},
		{"two elements", `[{"id":"a"},{"id":"b"}]`, 200, "", "a list of 2 values, want one"},
		{"empty array", `[]`, 200, "", "a list of 0 values, want one"},
		{"array of a non-object", `["urn:u"]`, 200, "", "decoding the 200 response"},
		{"not JSON", `[{"id":`, 200, "", "decoding the 200 response"},
		{"error status", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"501","detail":"no"}`, 501, "", "501"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v schema
			err := DecodeOne(respond(tc.status, tc.body), nil, &v)
			if tc.err == "" {
				if err != nil || v.ID != tc.want {
					t.Fatalf("DecodeOne = %+v, %v; want id %q", v, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("DecodeOne = %+v, %v; want an error with %q", v, err, tc.err)
			}
			if strings.Contains(err.Error(), "s3cr3t-value") {
				t.Errorf("the error shows a query value: %v", err)
			}
			if tc.status >= 300 {
				var ae *apierror.Error
				if !errors.As(err, &ae) || ae.SCIM == nil {
					t.Errorf("err = %v, want *apierror.Error with the SCIM error", err)
				}
			}
		})
	}
	if err := DecodeOne(nil, errors.New("dial failed"), new(schema)); err == nil || err.Error() != "dial failed" {
		t.Errorf("transport error = %v, want it returned as is", err)
	}
}
