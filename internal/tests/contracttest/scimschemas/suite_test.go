package scimschemas_test

import (
	"context"
	"testing"

	scimschemas "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimschemas"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
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
			if r.JSON200 == nil {
				return r.StatusCode(), "no schema", nil
			}
			// The schema itself, or WSO2's one-element array of it
			// (specs/scimschemas.overlay.yaml): whichever the mock sent.
			s, err := r.JSON200.AsSchemaObject()
			if err != nil {
				list, lerr := r.JSON200.AsSchemaObjectList()
				if lerr != nil || len(list) != 1 {
					return r.StatusCode(), "neither a schema nor a list of one: " + string(r.Body), nil
				}
				s = list[0]
			}
			if s.Attributes == nil {
				return r.StatusCode(), "schema without attributes", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}
