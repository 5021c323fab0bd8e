package scimusers_test

import (
	"context"
	"net/http"
	"testing"

	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
	"github.com/mgmtapi/mgmtapi/scim"
)

// newClient returns the generated client for t: authenticated by the
// Source, every request checked (token sent == Source's token, contract).
func newClient(t *testing.T) *scimusers.ClientWithResponses {
	t.Helper()
	c, err := scimusers.NewClientWithResponses(env.Prism.URL,
		scimusers.WithHTTPClient(env.Client(t)),
		scimusers.WithRequestEditorFn(env.Source.RequestEditor()),
		scimusers.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

const userID = "008bba85-451d-414b-87de-c03b5a1f4217"

// TestSuite covers SCIM 2.0 user management (RFC 7644): a filtered page,
// get by id, create, PATCH with a PatchOp and delete.
func TestSuite(t *testing.T) {
	tests := []contracttest.Case[*scimusers.ClientWithResponses]{
		{Name: "GET Users filter/startIndex/count", Call: func(ctx context.Context, c *scimusers.ClientWithResponses) (int, string, error) {
			r, err := c.ListUsersWithResponse(ctx, &scimusers.ListUsersParams{
				Filter: ptr(`userName eq "kim@example.com"`), StartIndex: ptr(int32(1)), Count: ptr(int32(10)),
			})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || r.JSON200.Resources == nil || r.JSON200.TotalResults == nil {
				return r.StatusCode(), "list response without Resources or totalResults", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "GET Users/{id}", Call: func(ctx context.Context, c *scimusers.ClientWithResponses) (int, string, error) {
			r, err := c.GetUserWithResponse(ctx, userID, &scimusers.GetUserParams{})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || r.JSON200.Id == nil {
				return r.StatusCode(), "user without id", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "POST Users", Call: func(ctx context.Context, c *scimusers.ClientWithResponses) (int, string, error) {
			body := scimusers.UserObject{
				Schemas:  &[]string{"urn:ietf:params:scim:schemas:core:2.0:User"},
				UserName: ptr("kim@example.com"),
				Password: ptr("correct-Horse-battery-7"),
				Name:     &scimusers.Name{FamilyName: ptr("Berry")},
				Emails:   &[]scimusers.MultiValuedAttribute{{Value: "kim@example.com", Primary: true}},
			}
			r, err := c.CreateUserWithResponse(ctx, &scimusers.CreateUserParams{}, body)
			if err != nil {
				return 0, "", err
			}
			if r.JSON201 == nil || r.JSON201.Id == nil {
				return r.StatusCode(), "created user without id", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 201},
		{Name: "PATCH Users/{id} PatchOp", Call: func(ctx context.Context, c *scimusers.ClientWithResponses) (int, string, error) {
			body, err := scim.Patch{}.
				Replace(scim.AttrPath("name.givenName"), "Kim").
				Add(scim.AttrPath("emails"), []scim.Value{{Value: "kim.work@example.com", Type: "work"}}).
				Request()
			if err != nil {
				return 0, "", err
			}
			r, err := c.PatchUserWithResponse(ctx, userID, &scimusers.PatchUserParams{}, body)
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "patched user missing", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "DELETE Users/{id}", Call: func(ctx context.Context, c *scimusers.ClientWithResponses) (int, string, error) {
			r, err := c.DeleteUserWithResponse(ctx, userID, &scimusers.DeleteUserParams{})
			if err != nil {
				return 0, "", err
			}
			return r.StatusCode(), "", nil
		}, Want: 204},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}

// TestNoToken checks that the SCIM endpoints require a bearer token (the
// overlay declares the security the upstream document leaves out).
func TestNoToken(t *testing.T) {
	r, err := http.Get(env.Prism.URL + "/Users/" + userID)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d without a token, want 401", r.StatusCode)
	}
}
