package applications_test

import (
	"context"
	"net/http"
	"testing"

	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// newClient returns the generated client for t: authenticated by the
// Source, every request checked (token sent == Source's token, contract).
func newClient(t *testing.T) *applications.ClientWithResponses {
	t.Helper()
	c, err := applications.NewClientWithResponses(env.Prism.URL,
		applications.WithHTTPClient(env.Client(t)),
		applications.WithRequestEditorFn(env.Source.RequestEditor()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// TestSuite covers listing, reading and creating applications.
func TestSuite(t *testing.T) {
	tests := []contracttest.Case[*applications.ClientWithResponses]{
		{Name: "GET applications", Call: func(ctx context.Context, c *applications.ClientWithResponses) (int, string, error) {
			r, err := c.GetAllApplicationsWithResponse(ctx, &applications.GetAllApplicationsParams{Limit: ptr(10), Offset: ptr(0)})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || r.JSON200.Applications == nil {
				return r.StatusCode(), "list without applications", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "GET applications/{id}", Call: func(ctx context.Context, c *applications.ClientWithResponses) (int, string, error) {
			r, err := c.GetApplicationWithResponse(ctx, "85a1f0c4-9f0e-4c3a-8d3e-2b7c1a9e6f10")
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || r.JSON200.Id == nil {
				return r.StatusCode(), "application without id", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "POST applications", Call: func(ctx context.Context, c *applications.ClientWithResponses) (int, string, error) {
			r, err := c.CreateApplicationWithResponse(ctx, &applications.CreateApplicationParams{}, applications.CreateApplicationJSONRequestBody{
				Name:        "contract-test-app",
				Description: ptr("created by the contract suite"),
			})
			if err != nil {
				return 0, "", err
			}
			if r.Headers201 == nil || r.Headers201.Location == nil {
				return r.StatusCode(), "201 without Location", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 201},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}

// TestNoToken checks that Prism enforces the spec's security.
func TestNoToken(t *testing.T) {
	r, err := http.Get(env.Prism.URL + "/applications")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d without a token, want 401", r.StatusCode)
	}
}
