package scimbulk_test

import (
	"context"
	"testing"

	"github.com/mgmtapi/mgmtapi/gen/scimbulk"
	"github.com/mgmtapi/mgmtapi/internal/contracttest"
	"github.com/mgmtapi/mgmtapi/scim"
)

func newClient(t *testing.T) *scimbulk.ClientWithResponses {
	t.Helper()
	c, err := scimbulk.NewClientWithResponses(env.Prism.URL,
		scimbulk.WithHTTPClient(env.Client(t)),
		scimbulk.WithRequestEditorFn(env.Source.RequestEditor()),
		scimbulk.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSuite sends one mixed bulk request (create a user, patch a group,
// delete a user) and decodes the per-operation results.
func TestSuite(t *testing.T) {
	tests := []contracttest.Case[*scimbulk.ClientWithResponses]{
		{Name: "POST Bulk mixed operations", Call: func(ctx context.Context, c *scimbulk.ClientWithResponses) (int, string, error) {
			patch, err := scim.Patch{}.Add(scim.AttrPath("members"), []scim.Value{{Value: "bulkId:kim"}}).Request()
			if err != nil {
				return 0, "", err
			}
			r, err := c.PostBulkWithResponse(ctx, scim.BulkRequest{
				FailOnErrors: 1,
				Operations: []scim.BulkOperation{
					{Method: "POST", Path: "/Users", BulkID: "kim", Data: map[string]any{
						"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": "kim@example.com",
					}},
					{Method: "PATCH", Path: "/Groups/7bac6a86-1f21-4937-9fb1-5be4a93ef469", Data: patch},
					{Method: "DELETE", Path: "/Users/008bba85-451d-414b-87de-c03b5a1f4217"},
				},
			})
			if err != nil {
				return 0, "", err
			}
			if r.JSON201 == nil || len(r.JSON201.Operations) == 0 {
				return r.StatusCode(), "bulk response without operations", nil
			}
			for _, op := range r.JSON201.Operations {
				if op.Status < 100 {
					return r.StatusCode(), "operation without a status", nil
				}
			}
			return r.StatusCode(), "", nil
		}, Want: 201},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}
