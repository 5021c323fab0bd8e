package auth0_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// newClient returns the generated client for t: authenticated by the
// Source, every request checked (token sent == Source's token, contract).
func newClient(t *testing.T) *auth0.ClientWithResponses {
	t.Helper()
	c, err := auth0.NewClientWithResponses(env.Prism.URL,
		auth0.WithHTTPClient(env.Client(t)),
		auth0.WithRequestEditorFn(env.Source.RequestEditor()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// TestSuite covers the Auth0 calls of a typical integration: a page of
// users with totals, the applications, creating a user and patching it.
func TestSuite(t *testing.T) {
	tests := []contracttest.Case[*auth0.ClientWithResponses]{
		{Name: "GET users page/per_page/include_totals", Call: func(ctx context.Context, c *auth0.ClientWithResponses) (int, string, error) {
			r, err := c.GetUsersWithResponse(ctx, &auth0.GetUsersParams{Page: ptr(0), PerPage: ptr(10), IncludeTotals: ptr(true)})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "no users body", nil
			}
			// The body is a union: a bare array, or (include_totals) an
			// object with totals; one of the two must decode.
			if _, err := r.JSON200.AsListUsersOffsetPaginatedResponseContent(); err != nil {
				if _, err2 := r.JSON200.AsListUsersResponseContent0(); err2 != nil {
					return r.StatusCode(), "users body is neither a page with totals nor an array", nil
				}
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "GET clients", Call: func(ctx context.Context, c *auth0.ClientWithResponses) (int, string, error) {
			r, err := c.GetClientsWithResponse(ctx, &auth0.GetClientsParams{})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "no clients body", nil
			}
			if apps, err := r.JSON200.AsGetClients200JSONResponseBody0(); err != nil || len(apps) == 0 {
				if _, err2 := r.JSON200.AsListClientsOffsetPaginatedResponseContent(); err2 != nil {
					return r.StatusCode(), "clients body decodes to no known shape", nil
				}
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "POST users", Call: func(ctx context.Context, c *auth0.ClientWithResponses) (int, string, error) {
			r, err := c.PostUsersWithResponse(ctx, &auth0.PostUsersParams{}, auth0.PostUsersJSONRequestBody{
				Connection: "Username-Password-Authentication",
				Email:      ptr("jane@example.com"),
				Password:   ptr("correct-Horse-battery-7"),
				Name:       ptr("Jane Doe"),
			})
			if err != nil {
				return 0, "", err
			}
			if r.JSON201 == nil || r.JSON201.UserId == nil {
				return r.StatusCode(), "created user without user_id", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 201},
		{Name: "PATCH users/{id}", Call: func(ctx context.Context, c *auth0.ClientWithResponses) (int, string, error) {
			r, err := c.PatchUsersByIdWithResponse(ctx, "auth0|64b7f0c2e1d3a4b5c6d7e8f9", &auth0.PatchUsersByIdParams{}, auth0.PatchUsersByIdJSONRequestBody{
				Blocked: ptr(true),
				Name:    mgmtapi.Set("Jane Q. Doe"),
			})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "no updated user", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}

// TestInvalidBody checks Prism's request validation where Auth0 declares
// its own 400: a body that breaks the schema is answered 400, not 422,
// with the violations in the sl-violations header.
func TestInvalidBody(t *testing.T) {
	c, err := auth0.NewClientWithResponses(env.Prism.URL, auth0.WithRequestEditorFn(env.Source.RequestEditor()))
	if err != nil {
		t.Fatal(err)
	}
	// "connection" is required; this body misses it.
	r, err := c.PostUsersWithBodyWithResponse(t.Context(), &auth0.PostUsersParams{}, "application/json", strings.NewReader(`{"email":"jane@example.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusCode() != http.StatusBadRequest {
		t.Fatalf("status %d for a body without connection, want 400", r.StatusCode())
	}
	if v := r.HTTPResponse.Header.Get("sl-violations"); !strings.Contains(v, "connection") {
		t.Errorf("sl-violations header %q does not name the missing property", v)
	}
}

// TestNoToken checks that Prism enforces the spec's security: a request
// without a bearer token is answered 401.
func TestNoToken(t *testing.T) {
	c, err := auth0.NewClientWithResponses(env.Prism.URL)
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.GetClientsWithResponse(t.Context(), &auth0.GetClientsParams{})
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusCode() != http.StatusUnauthorized {
		t.Fatalf("status %d without a token, want 401", r.StatusCode())
	}
}
