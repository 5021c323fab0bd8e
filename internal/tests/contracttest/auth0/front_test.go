package auth0_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/mgmtapi/mgmtapi"
	"github.com/mgmtapi/mgmtapi/apierror"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
)

// TestFrontDoor calls Prism through the front door (auth0.NewAPI): what
// reached the wire, the typed values, and a 4xx as *apierror.Error.
func TestFrontDoor(t *testing.T) {
	opts, wire := env.FrontDoor(t, nil)
	c, err := auth0.NewAPI("tenant.example.com", "unused", "unused", opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := t.Context()

	// Prism answers the first member of a oneOf whatever the request, so
	// only the list shape is served here (GetUsersWithTotals and the
	// iterators are tested against httptest in internal/tests/fronttest).
	users, err := c.GetUsers(ctx, &auth0.GetUsersParams{PerPage: new(10), Q: new("email:*"), IncludeTotals: new(true)})
	if err != nil {
		t.Fatalf("GetUsers: %v", err)
	}
	if users == nil {
		t.Error("GetUsers returned no list")
	}
	clients, err := c.GetClients(ctx, nil)
	if err != nil {
		t.Fatalf("GetClients: %v", err)
	}
	if clients == nil {
		t.Error("GetClients returned no list")
	}
	u, err := c.PatchUsersById(ctx, "auth0|64b7f0c2e1d3a4b5c6d7e8f9", nil, auth0.PatchUsersByIdJSONRequestBody{
		AppMetadata: &auth0.AppMetadata{"plan": "pro"},
		Nickname:    mgmtapi.Null[string](), // clear it
		Name:        mgmtapi.Set("Jane Q. Doe"),
	})
	if err != nil {
		t.Fatalf("PatchUsersById: %v", err)
	}
	_ = u
	reqs := wire.Requests()
	want := []string{
		"GET /users?per_page=10&q=email%3A%2A", // include_totals dropped: the list shape
		"GET /clients",
		"PATCH /users/auth0%7C64b7f0c2e1d3a4b5c6d7e8f9",
	}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d: %+v", len(reqs), len(want), reqs)
	}
	for i, w := range want {
		if got := reqs[i].Method + " " + reqs[i].URI; got != w {
			t.Errorf("request %d: %s, want %s", i, got, w)
		}
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[2].Body, &body); err != nil || body["app_metadata"].(map[string]any)["plan"] != "pro" || len(body) != 3 ||
		body["name"] != "Jane Q. Doe" {
		t.Errorf("PATCH body %s, want app_metadata.plan, name and nickname only", reqs[2].Body)
	}
	if v, ok := body["nickname"]; !ok || v != nil {
		t.Errorf("PATCH body %s: nickname must be sent as null", reqs[2].Body)
	}

	// A 4xx is an error, typed.
	opts404, _ := env.FrontDoor(t, http.Header{"Prefer": {"code=404"}})
	c404, err := auth0.NewAPI("tenant.example.com", "unused", "unused", opts404...)
	if err != nil {
		t.Fatal(err)
	}
	defer c404.Close()
	_, err = c404.GetUsersById(ctx, "auth0|nobody", nil)
	var ae *apierror.Error
	if !errors.As(err, &ae) || ae.StatusCode != 404 {
		t.Fatalf("GetUsersById with Prefer code=404: %v (%T), want *apierror.Error 404", err, err)
	}
}
