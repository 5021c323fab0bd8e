package wiretest

import (
	"bytes"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
)

// TestAuth0UndeclaredStatuses replays the statuses real Auth0 tenants answer
// where the upstream spec declares another (issue 8). specs/auth0.overlay.yaml
// now declares them, so the typed field of the status the server really
// sends is filled, and the raw JSON stays in Body.
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
				if err != nil || r.JSON200 == nil {
					return "", bodyOf(r, err), err
				}
				return r.JSON200.Id, r.Body, nil
			}, "af_1"},
		{"POST /organizations/{id}/invitations answers 201, declares 200", 201,
			`{"id":"uinv_1","organization_id":"org_1","invitation_url":"https://t.example/login?invitation=x"}`,
			func() (string, []byte, error) {
				r, err := c.PostInvitationsWithResponse(ctx, "org_1", nil, auth0.PostInvitationsJSONRequestBody{})
				if err != nil || r.JSON201 == nil || r.JSON201.Id == nil {
					return "", bodyOf(r, err), err
				}
				return *r.JSON201.Id, r.Body, nil
			}, "uinv_1"},
		{"POST /actions/actions/{id}/deploy answers 200, declares 202", 200,
			`{"id":"ver_1","action_id":"act_1","deployed":true}`,
			func() (string, []byte, error) {
				r, err := c.PostDeployActionWithResponse(ctx, "act_1")
				if err != nil || r.JSON200 == nil || r.JSON200.Id == nil {
					return "", bodyOf(r, err), err
				}
				return *r.JSON200.Id, r.Body, nil
			}, "ver_1"},
		{"DELETE /connections/{id} answers 202 with a body, declares none", 202,
			`{"deleted_at":"2024-01-02T03:04:05.000Z"}`,
			func() (string, []byte, error) {
				r, err := c.DeleteConnectionsByIdWithResponse(ctx, "con_1")
				if err != nil || r.JSON202 == nil || r.JSON202.DeletedAt == nil {
					return "", bodyOf(r, err), err
				}
				return r.JSON202.DeletedAt.UTC().Format(time.RFC3339), r.Body, nil
			}, "2024-01-02T03:04:05Z"},
		// Issue 18: 2xx bodies the document leaves out (go-auth0 v1.45.0
		// recordings of a live tenant).
		{"DELETE /network-acls/{id} answers 200 with a body, declares 204", 200,
			`{"code":204,"object":""}`,
			func() (string, []byte, error) {
				r, err := c.DeleteNetworkAclsByIdWithResponse(ctx, "acl_1")
				if err != nil || r.JSON200 == nil || r.JSON200.Code == nil {
					return "", bodyOf(r, err), err
				}
				return strconv.Itoa(*r.JSON200.Code), r.Body, nil
			}, "204"},
		{"PUT /prompts/{prompt}/partials answers 200 with the saved partials", 200,
			`{"login":{"form-content-start":"<div>Hi</div>"}}`,
			func() (string, []byte, error) {
				r, err := c.PutPartialsWithResponse(ctx, "login", auth0.PutPartialsJSONRequestBody{})
				if err != nil || r.JSON200 == nil || (*r.JSON200)["login"] == nil {
					return "", bodyOf(r, err), err
				}
				return "login", r.Body, nil
			}, "login"},
		{"PUT /prompts/{prompt}/custom-text/{language} answers 200 with the saved text", 200,
			`{"login":{"title":"Welcome"}}`,
			func() (string, []byte, error) {
				r, err := c.PutCustomTextByLanguageWithResponse(ctx, "login", "en", auth0.PutCustomTextByLanguageJSONRequestBody{})
				if err != nil || r.JSON200 == nil || (*r.JSON200)["login"] == nil {
					return "", bodyOf(r, err), err
				}
				return "login", r.Body, nil
			}, "login"},
		{"PATCH /token-exchange-profiles/{id} answers 200 with the profile, declares none", 200,
			`{"id":"tep_1","name":"ping","type":"custom_authentication","subject_token_type":"https://acme.example.com/t","action_id":"act_1"}`,
			func() (string, []byte, error) {
				r, err := c.PatchTokenExchangeProfilesByIdWithResponse(ctx, "tep_1", auth0.PatchTokenExchangeProfilesByIdJSONRequestBody{})
				if err != nil || r.JSON200 == nil || r.JSON200.Id == nil {
					return "", bodyOf(r, err), err
				}
				return *r.JSON200.Id, r.Body, nil
			}, "tep_1"},
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
