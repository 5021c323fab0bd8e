package scimme_test

import (
	"context"
	"testing"

	scimme "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimme"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
	"github.com/mgmtapi/mgmtapi/scim"
)

func newClient(t *testing.T) *scimme.ClientWithResponses {
	t.Helper()
	c, err := scimme.NewClientWithResponses(env.Prism.URL,
		scimme.WithHTTPClient(env.Client(t)),
		scimme.WithRequestEditorFn(env.Source.RequestEditor()),
		scimme.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// TestSuite reads, replaces and patches the authenticated user through
// /Me, with the User types of gen/scimusers.
func TestSuite(t *testing.T) {
	tests := []contracttest.Case[*scimme.ClientWithResponses]{
		{Name: "GET Me", Call: func(ctx context.Context, c *scimme.ClientWithResponses) (int, string, error) {
			r, err := c.GetMeWithResponse(ctx, &scimme.GetMeParams{})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "no user", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "PUT Me", Call: func(ctx context.Context, c *scimme.ClientWithResponses) (int, string, error) {
			r, err := c.UpdateUserMeWithResponse(ctx, &scimme.UpdateUserMeParams{}, scimusers.UserUpdateObject{
				Schemas: &[]string{"urn:ietf:params:scim:schemas:core:2.0:User"}, UserName: ptr("kim@example.com"), NickName: ptr("Kimmy"),
			})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "no user", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "PATCH Me with scim.Patch", Call: func(ctx context.Context, c *scimme.ClientWithResponses) (int, string, error) {
			body, err := scim.Patch{}.Replace(scim.AttrPath("nickName"), "Kimmy").Request()
			if err != nil {
				return 0, "", err
			}
			r, err := c.PatchUserMeWithResponse(ctx, &scimme.PatchUserMeParams{}, body)
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "no user", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}
