package losslesstest

import (
	"testing"
	"time"

	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
)

// TestAuth0Overlays decodes response shapes recorded from real tenants
// (issue 8) into the typed fields specs/auth0.overlay.yaml declares.
func TestAuth0Overlays(t *testing.T) {
	at := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		status int
		body   string
		check  func(t *testing.T, status int, body string)
	}{
		{"custom domain created_at", 200, `{"custom_domain_id":"cd_1","domain":"login.example.com","primary":true,"status":"ready","type":"auth0_managed_certs","created_at":"2024-03-01T12:00:00.000Z"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParseGetCustomDomainsByIdResponse(response(status, body))
				if err != nil || r.JSON200 == nil || r.JSON200.CreatedAt == nil || !r.JSON200.CreatedAt.Equal(at) {
					t.Fatalf("created_at not decoded: %v %+v", err, r)
				}
			}},
		{"tenant flags", 200, `{"friendly_name":"Acme","flags":{"universal_login":true,"allow_other_legacy_grant_types":false,"enable_sso":true}}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParseTenantSettingsRouteResponse(response(status, body))
				if err != nil || r.JSON200 == nil || r.JSON200.Flags == nil {
					t.Fatalf("%v %+v", err, r)
				}
				f := r.JSON200.Flags
				if f.UniversalLogin == nil || !*f.UniversalLogin || f.AllowOtherLegacyGrantTypes == nil || *f.AllowOtherLegacyGrantTypes {
					t.Errorf("flags = %+v", f)
				}
			}},
		{"action current_version", 200, `{"id":"a1","name":"post-login","current_version":{"id":"v1","deployed":true,"status":"built","number":3}}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParseGetActionResponse(response(status, body))
				if err != nil || r.JSON200 == nil || r.JSON200.CurrentVersion == nil || r.JSON200.CurrentVersion.Id == nil || *r.JSON200.CurrentVersion.Id != "v1" {
					t.Fatalf("current_version not decoded: %v %+v", err, r)
				}
			}},
		{"flow description", 200, `{"id":"af_1","name":"Flow","description":"Syncs users","created_at":"2024-03-01T12:00:00.000Z","updated_at":"2024-03-01T12:00:00.000Z"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParseGetFlowsByIdResponse(response(status, body))
				if err != nil || r.JSON200 == nil || r.JSON200.Description == nil || *r.JSON200.Description != "Syncs users" {
					t.Fatalf("description not decoded: %v %+v", err, r)
				}
			}},
		{"form description", 200, `{"id":"ap_1","name":"Form","description":"Profile form","created_at":"2024-03-01T12:00:00.000Z","updated_at":"2024-03-01T12:00:00.000Z"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParseGetFormResponse(response(status, body))
				if err != nil || r.JSON200 == nil || r.JSON200.Description == nil || *r.JSON200.Description != "Profile form" {
					t.Fatalf("description not decoded: %v %+v", err, r)
				}
			}},
		{"phone template timestamps", 200, `{"id":"pt_1","type":"otp_verify","disabled":false,"customizable":true,"tenant":"acme","content":{},"created_at":"2024-03-01T12:00:00.000Z","updated_at":"2024-03-01T12:00:00.000Z"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParseGetPhoneTemplateResponse(response(status, body))
				if err != nil || r.JSON200 == nil || r.JSON200.CreatedAt == nil || r.JSON200.UpdatedAt == nil || !r.JSON200.UpdatedAt.Equal(at) {
					t.Fatalf("timestamps not decoded: %v %+v", err, r)
				}
			}},
		{"POST /flows answers 200", 200, `{"id":"af_1","name":"Flow","created_at":"2024-03-01T12:00:00.000Z","updated_at":"2024-03-01T12:00:00.000Z"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParsePostFlowsResponse(response(status, body))
				if err != nil || r.JSON200 == nil || r.JSON200.Id != "af_1" {
					t.Fatalf("200 body not decoded: %v %+v", err, r)
				}
			}},
		{"POST /forms answers 200", 200, `{"id":"ap_1","name":"Form","created_at":"2024-03-01T12:00:00.000Z","updated_at":"2024-03-01T12:00:00.000Z"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParseCreateFormResponse(response(status, body))
				if err != nil || r.JSON200 == nil || r.JSON200.Id != "ap_1" {
					t.Fatalf("200 body not decoded: %v %+v", err, r)
				}
			}},
		{"POST /flows/vault/connections answers 200", 200, `{"id":"ac_1","app_id":"HTTP","name":"Conn","ready":true,"created_at":"2024-03-01T12:00:00.000Z","updated_at":"2024-03-01T12:00:00.000Z","fingerprint":"f"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParsePostFlowsVaultConnectionsResponse(response(status, body))
				if err != nil || r.JSON200 == nil || r.JSON200.Id != "ac_1" {
					t.Fatalf("200 body not decoded: %v %+v", err, r)
				}
			}},
		{"POST /organizations/{id}/invitations answers 201", 201, `{"id":"uinv_1","organization_id":"org_1","invitation_url":"https://example.com/i","created_at":"2024-03-01T12:00:00.000Z"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParsePostInvitationsResponse(response(status, body))
				if err != nil || r.JSON201 == nil || r.JSON201.Id == nil || *r.JSON201.Id != "uinv_1" {
					t.Fatalf("201 body not decoded: %v %+v", err, r)
				}
			}},
		{"POST /actions/actions/{id}/deploy answers 200", 200, `{"id":"v2","action_id":"a1","deployed":true,"number":2,"status":"built"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParsePostDeployActionResponse(response(status, body))
				if err != nil || r.JSON200 == nil || r.JSON200.Id == nil || *r.JSON200.Id != "v2" {
					t.Fatalf("200 body not decoded: %v %+v", err, r)
				}
			}},
		{"DELETE /connections/{id} answers 202 with deleted_at", 202, `{"deleted_at":"2024-03-01T12:00:00.000Z"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParseDeleteConnectionsByIdResponse(response(status, body))
				if err != nil || r.JSON202 == nil || r.JSON202.DeletedAt == nil || !r.JSON202.DeletedAt.Equal(at) {
					t.Fatalf("202 body not decoded: %v %+v", err, r)
				}
			}},
		{"POST /network-acls answers 201 with the ACL", 201, `{"id":"acl_1","description":"block","active":true,"priority":1,"rule":{"action":{"block":true},"scope":"tenant"},"created_at":"2024-03-01T12:00:00.000Z","updated_at":"2024-03-01T12:00:00.000Z"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParsePostNetworkAclsResponse(response(status, body))
				if err != nil || r.JSON201 == nil || r.JSON201.Id == nil || *r.JSON201.Id != "acl_1" {
					t.Fatalf("201 body not decoded: %v %+v", err, r)
				}
			}},
		{"event-stream deliveries wrapped, event.data an object", 200, `{"deliveries":[{"id":"d1","event_stream_id":"est_0123456789abcdefghijklmn","status":"failed","event_type":"user.created","attempts":[],
			"event":{"id":"evt_1","source":"urn:auth0:acme","specversion":"1.0","type":"user.created","time":"2024-03-01T12:00:00.000Z","data":{"object":{"user_id":"auth0|1"}}}}],"next":"c2"}`,
			func(t *testing.T, status int, body string) {
				r, err := auth0.ParseGetEventDeliveriesResponse(response(status, body))
				if err != nil || r.JSON200 == nil || r.JSON200.Deliveries == nil || len(*r.JSON200.Deliveries) != 1 {
					t.Fatalf("deliveries not decoded: %v %+v", err, r)
				}
				d := (*r.JSON200.Deliveries)[0]
				if d.Event == nil || d.Event.Data == nil || (*d.Event.Data)["object"] == nil || *r.JSON200.Next != "c2" {
					t.Errorf("event.data not decoded: %+v", d.Event)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, tc.status, tc.body) })
	}
}
