package scimroles_test

import (
	"context"
	"testing"

	scimroles "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimroles"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
	"github.com/mgmtapi/mgmtapi/scim"
)

// newClient returns the generated client for t, authenticated by the
// Source and sending application/scim+json; every request is checked.
func newClient(t *testing.T) *scimroles.ClientWithResponses {
	t.Helper()
	c, err := scimroles.NewClientWithResponses(env.Prism.URL,
		scimroles.WithHTTPClient(env.Client(t)),
		scimroles.WithRequestEditorFn(env.Source.RequestEditor()),
		scimroles.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

const roleID = "4b8c2d7e-1f3a-4c5b-9d6e-7f8a9b0c1d2e"

// TestSuite covers role management (SCIM2 Roles v2): a sorted, filtered
// page, create with permissions, get, PATCH built with scim.Patch, delete.
func TestSuite(t *testing.T) {
	tests := []contracttest.Case[*scimroles.ClientWithResponses]{
		{Name: "GET Roles filter/sort", Call: func(ctx context.Context, c *scimroles.ClientWithResponses) (int, string, error) {
			r, err := c.ListRolesWithResponse(ctx, &scimroles.ListRolesParams{
				Filter: ptr(scim.Eq("displayName", "loan-manager").String()), Count: ptr(int32(10)),
				SortBy: ptr("displayName"), SortOrder: ptr("descending"),
			})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || r.JSON200.Resources == nil {
				return r.StatusCode(), "list response without Resources", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "POST Roles", Call: func(ctx context.Context, c *scimroles.ClientWithResponses) (int, string, error) {
			r, err := c.CreateRoleWithResponse(ctx, scimroles.RoleCreationObjectV2{
				Schemas:     []string{"urn:ietf:params:scim:schemas:extension:2.0:Role"},
				DisplayName: "loan-manager",
				Permissions: &[]scimroles.MultiValuedAttribute{{Value: "internal_user_mgt_view"}},
			})
			if err != nil {
				return 0, "", err
			}
			if r.JSON201 == nil || r.JSON201.Id == nil {
				return r.StatusCode(), "created role without id", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 201},
		{Name: "GET Roles/{id}", Call: func(ctx context.Context, c *scimroles.ClientWithResponses) (int, string, error) {
			r, err := c.GetRoleWithResponse(ctx, roleID, &scimroles.GetRoleParams{})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || r.JSON200.DisplayName == nil {
				return r.StatusCode(), "role without displayName", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "PATCH Roles/{id} with scim.Patch", Call: func(ctx context.Context, c *scimroles.ClientWithResponses) (int, string, error) {
			body, err := scim.Patch{}.
				Add(scim.AttrPath("users"), []scim.Value{{Value: "008bba85-451d-414b-87de-c03b5a1f4217"}}).
				Remove(scim.ValuePath("permissions", scim.Eq("value", "internal_user_mgt_delete"))).
				Request()
			if err != nil {
				return 0, "", err
			}
			r, err := c.PatchRoleWithResponse(ctx, roleID, body)
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "patched role missing", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "DELETE Roles/{id}", Call: func(ctx context.Context, c *scimroles.ClientWithResponses) (int, string, error) {
			r, err := c.DeleteRoleWithResponse(ctx, roleID)
			if err != nil {
				return 0, "", err
			}
			return r.StatusCode(), "", nil
		}, Want: 204},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}
