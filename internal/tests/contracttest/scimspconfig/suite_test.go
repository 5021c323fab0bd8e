package scimspconfig_test

import (
	"context"
	"testing"

	scimspconfig "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimspconfig"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// newClient sends the default Accept: the document declares
// application/json only.
func newClient(t *testing.T) *scimspconfig.ClientWithResponses {
	t.Helper()
	c, err := scimspconfig.NewClientWithResponses(env.Prism.URL,
		scimspconfig.WithHTTPClient(env.Client(t)),
		scimspconfig.WithRequestEditorFn(env.Source.RequestEditor()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSuite reads the service provider configuration (RFC 7643 §5),
// where a bulk job finds its limits.
func TestSuite(t *testing.T) {
	tests := []contracttest.Case[*scimspconfig.ClientWithResponses]{
		{Name: "GET ServiceProviderConfig", Call: func(ctx context.Context, c *scimspconfig.ClientWithResponses) (int, string, error) {
			r, err := c.GetServiceProviderConfigWithResponse(ctx)
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "no configuration", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}
