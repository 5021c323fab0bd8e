package wiretest

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/mgmtapi/mgmtapi/gen/auth0"
)

// TestAuth0UndeclaredStatuses replays the statuses real Auth0 tenants answer
// where the spec declares another (issue 8): the one typed JSON 2xx field is
// filled, and where the spec declares no body the JSON stays in Body.
func TestAuth0UndeclaredStatuses(t *testing.T) {
	srv := &scripted{}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	c, err := auth0.NewClientWithResponses(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		// call returns the id of the typed value ("" when nil) and Body.
		call func() (string, []byte, error)
		// wantID is the id the typed field must carry; "" means the spec
		// declares no body and only Body holds the JSON.
		wantID string
	}{
		{"POST /flows answers 200, declares 201", 200,
			`{"id":"af_1","name":"Flow","created_at":"2024-01-02T03:04:05.000Z","updated_at":"2024-01-02T03:04:05.000Z"}`,
			func() (string, []byte, error) {
				r, err := c.PostFlowsWithResponse(ctx, auth0.PostFlowsJSONRequestBody{Name: "Flow"})
				if err != nil || r.JSON201 == nil {
					return "", bodyOf(r, err), err
				}
				return r.JSON201.Id, r.Body, nil
			}, "af_1"},
		{"POST /organizations/{id}/invitations answers 201, declares 200", 201,
			`{"id":"uinv_1","organization_id":"org_1","invitation_url":"https://t.example/login?invitation=x"}`,
			func() (string, []byte, error) {
				r, err := c.PostInvitationsWithResponse(ctx, "org_1", nil, auth0.PostInvitationsJSONRequestBody{})
				if err != nil || r.JSON200 == nil || r.JSON200.Id == nil {
					return "", bodyOf(r, err), err
				}
				return *r.JSON200.Id, r.Body, nil
			}, "uinv_1"},
		{"POST /actions/actions/{id}/deploy answers 200, declares 202", 200,
			`{"id":"ver_1","action_id":"act_1","deployed":true}`,
			func() (string, []byte, error) {
				r, err := c.PostDeployActionWithResponse(ctx, "act_1")
				if err != nil || r.JSON202 == nil || r.JSON202.Id == nil {
					return "", bodyOf(r, err), err
				}
				return *r.JSON202.Id, r.Body, nil
			}, "ver_1"},
		{"DELETE /connections/{id} answers 202 with a body, declares none", 202,
			`{"deleted_at":"2024-01-02T03:04:05.000Z"}`,
			func() (string, []byte, error) {
				r, err := c.DeleteConnectionsByIdWithResponse(ctx, "con_1")
				return "", bodyOf(r, err), err
			}, ""},
	} {
		srv.set(tc.status, "application/json; charset=utf-8", []byte(tc.body))
		id, body, err := tc.call()
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if id != tc.wantID {
			t.Errorf("%s: typed id = %q, want %q", tc.name, id, tc.wantID)
		}
		if !bytes.Equal(body, []byte(tc.body)) {
			t.Errorf("%s: Body = %q, want the raw JSON %q", tc.name, body, tc.body)
		}
	}
}

// bodyOf returns the Body of a generated response, nil when the call failed
// (r is then a nil pointer).
func bodyOf(r interface{ GetBody() []byte }, err error) []byte {
	if err != nil {
		return nil
	}
	return r.GetBody()
}
