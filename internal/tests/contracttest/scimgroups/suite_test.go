package scimgroups_test

import (
	"context"
	"testing"

	scimgroups "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimgroups"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
	"github.com/mgmtapi/mgmtapi/scim"
)

// newClient returns the generated client for t: authenticated by the
// Source, every request checked (token sent == Source's token, contract).
func newClient(t *testing.T) *scimgroups.ClientWithResponses {
	t.Helper()
	c, err := scimgroups.NewClientWithResponses(env.Prism.URL,
		scimgroups.WithHTTPClient(env.Client(t)),
		scimgroups.WithRequestEditorFn(env.Source.RequestEditor()),
		scimgroups.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

const groupID = "7bac6a86-1f21-4937-9fb1-5be4a93ef469"

// TestSuite covers SCIM 2.0 group management (RFC 7644): a filtered page,
// get by id, create, PATCH adding a member with a PatchOp, and delete.
func TestSuite(t *testing.T) {
	tests := []contracttest.Case[*scimgroups.ClientWithResponses]{
		{Name: "GET Groups filter/startIndex/count", Call: func(ctx context.Context, c *scimgroups.ClientWithResponses) (int, string, error) {
			r, err := c.ListGroupsWithResponse(ctx, &scimgroups.ListGroupsParams{
				Filter: ptr(`displayName sw "eng"`), StartIndex: ptr(int32(1)), Count: ptr(int32(10)),
			})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || r.JSON200.Resources == nil {
				return r.StatusCode(), "list response without Resources", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "GET Groups/{id}", Call: func(ctx context.Context, c *scimgroups.ClientWithResponses) (int, string, error) {
			r, err := c.GetGroupWithResponse(ctx, groupID, &scimgroups.GetGroupParams{})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || r.JSON200.Id == nil {
				return r.StatusCode(), "group without id", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "POST Groups", Call: func(ctx context.Context, c *scimgroups.ClientWithResponses) (int, string, error) {
			r, err := c.CreateGroupWithResponse(ctx, &scimgroups.CreateGroupParams{}, scimgroups.CreateGroupJSONRequestBody{
				Schemas:     []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
				DisplayName: "engineering",
				Members:     &[]scimgroups.MultiValuedAttribute{{Value: "008bba85-451d-414b-87de-c03b5a1f4217", Display: "kim"}},
			})
			if err != nil {
				return 0, "", err
			}
			if r.JSON201 == nil || r.JSON201.Id == nil {
				return r.StatusCode(), "created group without id", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 201},
		{Name: "PATCH Groups/{id} PatchOp", Call: func(ctx context.Context, c *scimgroups.ClientWithResponses) (int, string, error) {
			body, err := scim.Patch{}.
				Add(scim.AttrPath("members"), []scim.Value{{Value: "008bba85-451d-414b-87de-c03b5a1f4217"}}).
				Request()
			if err != nil {
				return 0, "", err
			}
			r, err := c.PatchGroupWithResponse(ctx, groupID, &scimgroups.PatchGroupParams{}, body)
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "patched group missing", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "DELETE Groups/{id}", Call: func(ctx context.Context, c *scimgroups.ClientWithResponses) (int, string, error) {
			r, err := c.DeleteGroupWithResponse(ctx, groupID, &scimgroups.DeleteGroupParams{})
			if err != nil {
				return 0, "", err
			}
			return r.StatusCode(), "", nil
		}, Want: 204},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}
