package scimresourcetypes_test

import (
	"context"
	"testing"

	scimresourcetypes "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimresourcetypes"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
	"github.com/mgmtapi/mgmtapi/scim"
)

func newClient(t *testing.T) *scimresourcetypes.ClientWithResponses {
	t.Helper()
	c, err := scimresourcetypes.NewClientWithResponses(env.Prism.URL,
		scimresourcetypes.WithHTTPClient(env.Client(t)),
		scimresourcetypes.WithRequestEditorFn(env.Source.RequestEditor()),
		scimresourcetypes.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSuite reads the resource types (RFC 7643 §6).
func TestSuite(t *testing.T) {
	tests := []contracttest.Case[*scimresourcetypes.ClientWithResponses]{
		{Name: "GET ResourceTypes", Call: func(ctx context.Context, c *scimresourcetypes.ClientWithResponses) (int, string, error) {
			r, err := c.GetResourceTypeWithResponse(ctx)
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "no resource types", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}
