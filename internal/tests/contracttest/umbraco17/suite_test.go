package umbraco17_test

import (
	"context"
	"net/http"
	"testing"

	openapi_types "github.com/oapi-codegen/runtime/types"

	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// newClient returns the generated client for t: authenticated by the
// Source, every request checked (token sent == Source's token, contract).
func newClient(t *testing.T) *umbraco17.ClientWithResponses {
	t.Helper()
	c, err := umbraco17.NewClientWithResponses(env.Prism.URL,
		umbraco17.WithHTTPClient(env.Client(t)),
		umbraco17.WithRequestEditorFn(env.Source.RequestEditor()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// TestSuite covers the calls every Umbraco integration makes: the current
// user, a skip/take page, and create, read, update and delete of a
// dictionary item addressed by uuid.
func TestSuite(t *testing.T) {
	id := openapi_types.UUID{0x3f, 0xa8, 0x5f, 0x64, 0x57, 0x17, 0x45, 0x62, 0xb3, 0xfc, 0x2c, 0x96, 0x3f, 0x66, 0xaf, 0xa6} // synth.FixedUUID (internal/testkit/synth)
	item := umbraco17.CreateDictionaryItemRequestModel{
		Id:           &id,
		Name:         "contract-test",
		Translations: []umbraco17.DictionaryItemTranslationModel{{IsoCode: "en-US", Translation: "Hello"}},
	}
	tests := []contracttest.Case[*umbraco17.ClientWithResponses]{
		{Name: "GET user/current", Call: func(ctx context.Context, c *umbraco17.ClientWithResponses) (int, string, error) {
			r, err := c.GetUserCurrentWithResponse(ctx)
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || r.JSON200.Name == "" || r.JSON200.Email == "" {
				return r.StatusCode(), "current user without name or email", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "GET user skip/take page", Call: func(ctx context.Context, c *umbraco17.ClientWithResponses) (int, string, error) {
			r, err := c.GetUserWithResponse(ctx, &umbraco17.GetUserParams{Skip: ptr(int32(0)), Take: ptr(int32(10))})
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil || r.JSON200.Items == nil {
				return r.StatusCode(), "no page of users", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "POST dictionary (create)", Call: func(ctx context.Context, c *umbraco17.ClientWithResponses) (int, string, error) {
			r, err := c.PostDictionaryWithResponse(ctx, item)
			if err != nil {
				return 0, "", err
			}
			if r.Headers201 == nil || r.Headers201.UmbGeneratedResource == nil {
				return r.StatusCode(), "201 without Umb-Generated-Resource", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 201},
		{Name: "GET dictionary/{uuid}", Call: func(ctx context.Context, c *umbraco17.ClientWithResponses) (int, string, error) {
			r, err := c.GetDictionaryByIdWithResponse(ctx, id)
			if err != nil {
				return 0, "", err
			}
			if r.JSON200 == nil {
				return r.StatusCode(), "no dictionary item", nil
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "PUT dictionary/{uuid} (update)", Call: func(ctx context.Context, c *umbraco17.ClientWithResponses) (int, string, error) {
			r, err := c.PutDictionaryByIdWithResponse(ctx, id, umbraco17.UpdateDictionaryItemRequestModel{Name: "contract-test-2", Translations: item.Translations})
			if err != nil {
				return 0, "", err
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "DELETE dictionary/{uuid}", Call: func(ctx context.Context, c *umbraco17.ClientWithResponses) (int, string, error) {
			r, err := c.DeleteDictionaryByIdWithResponse(ctx, id)
			if err != nil {
				return 0, "", err
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}

// TestNoToken checks that Prism enforces the spec's security: a request
// without a bearer token is answered 401.
func TestNoToken(t *testing.T) {
	c, err := umbraco17.NewClientWithResponses(env.Prism.URL)
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.GetUserCurrentWithResponse(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusCode() != http.StatusUnauthorized {
		t.Fatalf("status %d without a token, want 401", r.StatusCode())
	}
}
