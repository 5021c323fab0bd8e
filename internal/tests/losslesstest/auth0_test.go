package losslesstest

import (
	"encoding/json"
	"net/http"
	"testing"

	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
)

const auth0UsersPage = `{"start":0,"limit":2,"length":2,"total":2,"page_extra":{"cursor":` + big + `},
"users":[
 {"user_id":"auth0|1","email":"a@example.com","email_verified":true,"created_at":"2024-01-15T09:30:00.000Z",
  "logins_count":3,"risk":{"score":0.5,"signals":["new_device"]},
  "identities":[{"connection":"Username-Password-Authentication","user_id":"1","provider":"auth0","isSocial":false,"linked_at":"2024-01-15T09:30:00.000Z"}],
  "app_metadata":{"roles":["admin"],"account":` + big + `,"nested":{"deep":{"n":1.50}}}},
 {"user_id":"github|2","identities":[{"connection":"github","user_id":2,"provider":"github","isSocial":true,
   "profileData":{"login":"kim","followers":` + big + `,"unknown_object":{"a":[1,{"b":null}]}}}]}
]}`

func TestAuth0RoundTrip(t *testing.T) {
	runRoundTrips(t, []roundTrip{
		{"users page, offset-paginated variant of the union", auth0UsersPage, func(r *http.Response) (any, error) {
			p, err := auth0.ParseGetUsersResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200.AsListUsersOffsetPaginatedResponseContent()
		}},
		{"single user", `{"user_id":"auth0|1","created_at":"2024-01-15T09:30:00Z","multifactor":["guardian"],"x":{"y":{"z":` + big + `}}}`, func(r *http.Response) (any, error) {
			p, err := auth0.ParseGetUsersByIdResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		}},
	})
}

// TestAuth0UndeclaredReachable reads undeclared members from the typed value.
func TestAuth0UndeclaredReachable(t *testing.T) {
	p, err := auth0.ParseGetUsersResponse(response(200, auth0UsersPage))
	if err != nil {
		t.Fatal(err)
	}
	page, err := p.JSON200.AsListUsersOffsetPaginatedResponseContent()
	if err != nil {
		t.Fatal(err)
	}
	users := *page.Users
	if got := page.AdditionalProperties["page_extra"].(map[string]any)["cursor"]; got != json.Number(big) {
		t.Errorf("page_extra.cursor = %#v", got)
	}
	if _, ok := users[0].Get("risk"); !ok {
		t.Error("users[0].risk not kept")
	}
	id := (*users[0].Identities)[0]
	if id.AdditionalProperties["linked_at"] != "2024-01-15T09:30:00.000Z" {
		t.Errorf("identities[0].linked_at = %#v", id.AdditionalProperties["linked_at"])
	}
	if got := (*users[0].AppMetadata)["account"]; got != json.Number(big) {
		t.Errorf("app_metadata.account = %#v, want %s exactly", got, big)
	}
}
