package scimschemas_test

import (
	"context"
	"testing"

	"github.com/mgmtapi/mgmtapi/gen/scimschemas"
	"github.com/mgmtapi/mgmtapi/internal/contracttest"
)

// newClient sends the default Accept: the document declares the schema
// responses as application/json only.
func newClient(t *testing.T) *scimschemas.ClientWithResponses {
	t.Helper()
	c, err := scimschemas.NewClientWithResponses(env.Prism.URL,
		scimschemas.WithHTTPClient(env.Client(t)),
		scimschemas.WithRequestEditorFn(env.Source.RequestEditor()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSuite reads the schema list and one schema (RFC 7643 §7).
func TestSuite(t *testing.T) {
	tests := []contracttest.Case[*scimschemas.ClientWithResponses]{
		{Name: "GET Schemas", Call: func(ctx context.Context, c *scimschemas.ClientWithResponses) (int, string, error) {
			r, err := c.GetSchemasWithResponse(ctx)
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || len(*r.JSON200) == 0 || (*r.JSON200)[0].Id == nil {
				return r.StatusCode(), "no schema with an id", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "GET Schemas/{id}", Call: func(ctx context.Context, c *scimschemas.ClientWithResponses) (int, string, error) {
			r, err := c.GetSchemaByIdWithResponse(ctx, "urn:ietf:params:scim:schemas:core:2.0:User")
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || r.JSON200.Attributes == nil {
				return r.StatusCode(), "schema without attributes", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}
