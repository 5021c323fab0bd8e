package losslesstest

import (
	"testing"
	"time"

	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
)

// TestAuth0Issue18Named decodes the examples issue 18 names into the typed
// fields and enum values specs/auth0.overlay.yaml (typed coverage) declares;
// internal/tests/contracttest/auth0 TestEvidenceDecodesTyped covers every shape of
// testdata/evidence/auth0.har the same way, generically.
func TestAuth0Issue18Named(t *testing.T) {
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	t.Run("ActionVersion.build_time, status BUILT", func(t *testing.T) {
		r, err := auth0.ParseGetActionVersionResponse(response(200, `{"id":"ver_1","status":"BUILT","build_time":"2024-05-01T10:00:00.000Z"}`))
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %+v", err, r)
		}
		v := r.JSON200
		if v.BuildTime == nil || !v.BuildTime.Equal(at) || len(v.AdditionalProperties) != 0 {
			t.Errorf("build_time not typed: %+v", v)
		}
		if v.Status == nil || *v.Status != auth0.ActionBuildStatusEnumBUILT || !v.Status.Valid() {
			t.Errorf("status BUILT not a valid enum value: %v", v.Status)
		}
	})
	t.Run("Role.type", func(t *testing.T) {
		r, err := auth0.ParseGetRolesByIdResponse(response(200, `{"id":"rol_1","name":"admins","type":"organization","owner_id":"org_1"}`))
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %+v", err, r)
		}
		if ro := r.JSON200; ro.Type == nil || *ro.Type != auth0.RoleTypeOrganization || !ro.Type.Valid() || ro.OwnerId == nil || len(ro.AdditionalProperties) != 0 {
			t.Errorf("type/owner_id not typed: %+v", ro)
		}
	})
	t.Run("Log.organization_id", func(t *testing.T) {
		r, err := auth0.ParseGetLogsByIdResponse(response(200, `{"log_id":"9","_id":"9","type":"s","organization_id":"org_1","organization_name":"acme"}`))
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %+v", err, r)
		}
		l := r.JSON200
		if l.OrganizationId == nil || *l.OrganizationId != "org_1" || l.OrganizationName == nil || l.UnderscoreId == nil || len(l.AdditionalProperties) != 0 {
			t.Errorf("organization members not typed: %+v", l)
		}
	})
	t.Run("verification methods CNAME and TXT", func(t *testing.T) {
		for _, name := range []auth0.DomainVerificationMethodNameEnum{auth0.DomainVerificationMethodNameEnumCNAME, auth0.DomainVerificationMethodNameEnumTXT} {
			if !name.Valid() {
				t.Errorf("%q not Valid()", name)
			}
		}
	})
}
