package wiretest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/apierror"
	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
)

// scripted answers every request with the status, content type and body
// set last.
type scripted struct {
	mu          sync.Mutex
	status      int
	contentType string
	body        []byte
}

func (s *scripted) set(status int, contentType string, body []byte) {
	s.mu.Lock()
	s.status, s.contentType, s.body = status, contentType, body
	s.mu.Unlock()
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	status, ct, body := s.status, s.contentType, s.body
	s.mu.Unlock()
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// json2xx returns the fields of the response struct type rt that hold a
// typed JSON 2xx body (JSON200, JSON201, ...).
func json2xx(rt reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := range rt.NumField() {
		if f := rt.Field(i); strings.HasPrefix(f.Name, "JSON2") {
			out = append(out, f)
		}
	}
	return out
}

// zeroJSON is a JSON encoding of the zero value of t, which decodes into t.
func zeroJSON(t reflect.Type) []byte {
	b, err := json.Marshal(reflect.New(t).Interface())
	if err != nil || json.Unmarshal(b, reflect.New(t).Interface()) != nil {
		return []byte("{}")
	}
	return b
}

// TestStatusTolerance calls every ...WithResponse method of every client
// against a server answering a 2xx status the operation does not declare,
// with a JSON body:
//   - where the operation declares exactly one JSON 2xx type (field
//     JSON2xx), a body of that type fills the field, and one that does not
//     decode leaves it nil without an error;
//   - elsewhere the call succeeds and the body is in Body, byte for byte.
func TestStatusTolerance(t *testing.T) {
	for _, a := range apis() {
		t.Run(a.name, func(t *testing.T) {
			srv := &scripted{}
			hs := httptest.NewServer(srv)
			defer hs.Close()
			c, err := a.withResponses(hs.URL, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			var filled, raw int
			for _, m := range responseMethods(c) {
				rt := m.Type.Out(0).Elem()
				fields := json2xx(rt)
				status := 200
				if len(fields) == 1 && fields[0].Name == "JSON200" {
					status = 201
				}
				if len(fields) == 1 {
					body := zeroJSON(fields[0].Type.Elem())
					srv.set(status, "application/json; charset=utf-8", body)
					res, err := m.call(t.Context(), c)
					if err != nil {
						t.Errorf("%s, undeclared %d: %v", m.Name, status, err)
						continue
					}
					if res.Elem().FieldByIndex(fields[0].Index).IsNil() {
						t.Errorf("%s, undeclared %d with %s: %s is nil", m.Name, status, body, fields[0].Name)
					}
					srv.set(status, "application/json", []byte(`[1,`))
					res, err = m.call(t.Context(), c)
					if err != nil {
						t.Errorf("%s, undeclared %d, body not of the declared type: %v", m.Name, status, err)
						continue
					}
					if !res.Elem().FieldByIndex(fields[0].Index).IsNil() {
						t.Errorf("%s, undeclared %d with a body that does not decode: %s is set", m.Name, status, fields[0].Name)
					}
					filled++
					continue
				}
				if len(fields) > 1 {
					continue // several JSON 2xx types: no single field to fill
				}
				body := []byte(`{"deleted_at":"2024-01-02T03:04:05.000Z"}`)
				srv.set(202, "application/json", body)
				res, err := m.call(t.Context(), c)
				if err != nil {
					t.Errorf("%s, 202 with JSON: %v", m.Name, err)
					continue
				}
				if got := res.Elem().FieldByName("Body").Bytes(); !bytes.Equal(got, body) {
					t.Errorf("%s, 202 with JSON: Body = %q, want %q", m.Name, got, body)
				}
				raw++
			}
			t.Logf("status tolerance %s: %d operations fill their one JSON 2xx field from an undeclared 2xx; %d without a JSON 2xx type keep an undeclared 2xx JSON body in Body",
				a.name, filled, raw)
			if facts := specFacts(t, a.name); filled == 0 && facts.SingleJSON2xxOps > 0 {
				t.Errorf("no operation with exactly one JSON 2xx type found, where the spec has %d", facts.SingleJSON2xxOps)
			}
		})
	}
}

// vendorError is a vendor's error body and what apierror must make of it.
type vendorError struct {
	name, contentType, body string // body: fmt format with the status (%d)
	check                   func(*apierror.Error) error
}

// vendorErrors returns the error bodies of the API.
func vendorErrors(api string) []vendorError {
	switch {
	case strings.HasPrefix(api, "umbraco"):
		return []vendorError{{"problem+json", "application/problem+json; charset=utf-8",
			`{"type":"Error","title":"Duplicate name","status":%d,"detail":"A document with that name exists.","operationStatus":"DuplicateName","traceId":"00-1"}`,
			func(e *apierror.Error) error {
				if e.Problem == nil || e.Code != "DuplicateName" || !strings.Contains(e.Message, "Duplicate name") {
					return fmt.Errorf("want a Problem with operationStatus DuplicateName, got %+v", e)
				}
				return nil
			}}}
	case api == "auth0":
		return []vendorError{{"auth0", "application/json; charset=utf-8",
			`{"statusCode":%d,"error":"Bad Request","message":"Payload validation error: 'Missing required property: name'.","errorCode":"invalid_body"}`,
			func(e *apierror.Error) error {
				if e.Auth0 == nil || e.Code != "invalid_body" || !strings.Contains(e.Message, "Payload validation error") {
					return fmt.Errorf("want an Auth0Error invalid_body, got %+v", e)
				}
				return nil
			}}}
	case strings.HasPrefix(api, "scim"):
		check := func(e *apierror.Error) error {
			if e.SCIM == nil || e.Code != "invalidValue" || e.SCIM.Status != e.StatusCode {
				return fmt.Errorf("want a SCIMError invalidValue with the status, got %+v", e)
			}
			return nil
		}
		return []vendorError{
			{"scim, status as a string (RFC 7644)", "application/scim+json",
				`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"%d","scimType":"invalidValue","detail":"Bad value."}`, check},
			// The declared error types have "status" as a string: this body
			// does not decode into them and must still become an *apierror.Error.
			{"scim, status as a number", "application/scim+json",
				`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":%d,"scimType":"invalidValue","detail":"Bad value."}`, check},
		}
	case api == "applications":
		return []vendorError{{"asgardeo", "application/json",
			`{"code":"APP-60001","message":"Invalid request.","description":"Bad value for %d.","traceId":"e0fbcfeb-3617-43c4-8dd0-7b7d38e13047"}`,
			func(e *apierror.Error) error {
				if e.Asgardeo == nil || e.Code != "APP-60001" || !strings.Contains(e.Message, "Invalid request.") {
					return fmt.Errorf("want an AsgardeoError APP-60001, got %+v", e)
				}
				return nil
			}}}
	}
	return nil
}

// TestVendorErrorsBecomeAPIErrors answers every ...WithResponse method of
// every client with the vendor's error body for 400, 404, 409, 429, 500
// and 503, declared by the operation or not: the call succeeds (a body that
// does not fit the declared error type is kept raw) and apierror.Check of
// its HTTPResponse and Body, what apierror.Checked does, is an
// *apierror.Error in the vendor's format.
func TestVendorErrorsBecomeAPIErrors(t *testing.T) {
	statuses := []int{400, 404, 409, 429, 500, 503}
	for _, a := range apis() {
		for _, ve := range vendorErrors(a.name) {
			t.Run(a.name+"/"+ve.name, func(t *testing.T) {
				srv := &scripted{}
				hs := httptest.NewServer(srv)
				defer hs.Close()
				c, err := a.withResponses(hs.URL, 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				calls := 0
				for _, m := range responseMethods(c) {
					for _, status := range statuses {
						srv.set(status, ve.contentType, fmt.Appendf(nil, ve.body, status))
						res, err := m.call(t.Context(), c)
						if err != nil {
							t.Errorf("%s, %d: %v", m.Name, status, err)
							continue
						}
						hr, _ := res.Elem().FieldByName("HTTPResponse").Interface().(*http.Response)
						err = apierror.Check(hr, res.Elem().FieldByName("Body").Bytes())
						var e *apierror.Error
						if !errors.As(err, &e) || e.StatusCode != status {
							t.Errorf("%s, %d: apierror.Check = %v, want *apierror.Error", m.Name, status, err)
							continue
						}
						if err := ve.check(e); err != nil {
							t.Errorf("%s, %d: %v", m.Name, status, err)
						}
						calls++
					}
				}
				t.Logf("vendor errors %s (%s): %d calls (%d statuses × every operation) became *apierror.Error", a.name, ve.name, calls, len(statuses))
				if calls == 0 {
					t.Error("no call made")
				}
			})
		}
	}
}

// TestVendorErrorsChecked takes the README's path, apierror.Checked on a
// ...WithResponse call, once per API, with an error body that does not fit
// the type the operation declares for that status where there is one.
func TestVendorErrorsChecked(t *testing.T) {
	srv := &scripted{}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	checked := func(name string, status int, ct, body string, call func() error) {
		t.Helper()
		srv.set(status, ct, []byte(body))
		err := call()
		var e *apierror.Error
		if !errors.As(err, &e) || e.StatusCode != status || e.Code == "" {
			t.Errorf("%s: err = %v, want *apierror.Error with a code", name, err)
		}
	}
	u, _ := umbraco17.NewClientWithResponses(hs.URL)
	checked("umbraco17 GetDocumentById 404 problem+json", 404, "application/problem+json",
		`{"type":"Error","title":"Not found","status":404,"operationStatus":"NotFound"}`,
		func() error {
			_, err := apierror.Checked(u.GetDocumentByIdWithResponse(t.Context(), [16]byte{1}))
			return err
		})
	a0, _ := auth0.NewClientWithResponses(hs.URL)
	checked("auth0 GetUsersById 404", 404, "application/json",
		`{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}`,
		func() error {
			_, err := apierror.Checked(a0.GetUsersByIdWithResponse(t.Context(), "auth0|1", nil))
			return err
		})
	s, _ := scimusers.NewClientWithResponses(hs.URL)
	checked("scimusers GetUser 404, numeric status", 404, "application/scim+json",
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":404,"scimType":"noTarget","detail":"User not found."}`,
		func() error { _, err := apierror.Checked(s.GetUserWithResponse(t.Context(), "u1", nil)); return err })
	ap, _ := applications.NewClientWithResponses(hs.URL)
	checked("applications GetApplication 404", 404, "application/json",
		`{"code":"APP-60006","message":"Application not found.","description":"No application with id x.","traceId":"t"}`,
		func() error { _, err := apierror.Checked(ap.GetApplicationWithResponse(t.Context(), "x")); return err })
}
