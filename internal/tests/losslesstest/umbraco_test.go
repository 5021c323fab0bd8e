package losslesstest

import (
	"net/http"
	"testing"
	"time"

	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
	umbraco18 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco18"
)

// A webhook log page: "date" is a C# DateTime without an offset.
const umbracoWebhookLogs = `{"total":1,"paging":{"next":null,"hint":` + big + `},"items":[{
 "date":"2024-05-01T10:20:30.123","eventAlias":"Umbraco.ContentPublish","exceptionOccured":false,"isSuccessStatusCode":true,
 "key":"0b7b1a3c-4c1f-4d0a-9f1e-2a3b4c5d6e7f","webhookKey":"1c8c2b4d-5d2a-4e1b-8a2f-3b4c5d6e7f80",
 "requestBody":"{}","requestHeaders":"","responseBody":"ok","responseHeaders":"","retryCount":0,"statusCode":"OK (200)",
 "url":"https://example.com/hook","attempt":{"n":2,"meta":{"node":"web-1"}}}]}`

// A permission of the current user: a union variant with an undeclared
// member below it. The variants' own top level stays closed
// (additionalProperties: false, which validators need to tell the union's
// objects apart; see step keep-unknown-members); the union value itself
// re-encodes its raw JSON, top-level members included.
const umbracoPermission = `{"$type":"DocumentPermissionPresentationModel","document":{"id":"1e70f841-c261-413b-abb2-2d68cdb96094","culture":"da-DK"},"verbs":["Umb.Document.Read"]}`

const umbracoPermissionExtra = `{"$type":"DocumentPermissionPresentationModel","document":{"id":"1e70f841-c261-413b-abb2-2d68cdb96094"},"verbs":[],"inherited":true}`

func TestUmbracoRoundTrip(t *testing.T) {
	runRoundTrips(t, []roundTrip{
		{"umbraco17 webhook logs", umbracoWebhookLogs, func(r *http.Response) (any, error) {
			p, err := umbraco17.ParseGetWebhookLogsResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		}},
		{"umbraco18 webhook logs", umbracoWebhookLogs, func(r *http.Response) (any, error) {
			p, err := umbraco18.ParseGetWebhookLogsResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		}},
		{"umbraco17 permission union variant", umbracoPermission, func(r *http.Response) (any, error) {
			var u umbraco17.CurrentUserResponseModel_Permissions_Item
			if err := u.UnmarshalJSON([]byte(umbracoPermission)); err != nil {
				return nil, err
			}
			return u.AsDocumentPermissionPresentationModel()
		}},
		{"umbraco17 permission union", umbracoPermissionExtra, func(r *http.Response) (any, error) {
			var u umbraco17.CurrentUserResponseModel_Permissions_Item
			err := u.UnmarshalJSON([]byte(umbracoPermissionExtra))
			return u, err
		}},
	})
}

// TestUmbracoDateWithoutOffset decodes an offset-less date-time as UTC.
func TestUmbracoDateWithoutOffset(t *testing.T) {
	want := time.Date(2024, 5, 1, 10, 20, 30, 123e6, time.UTC)
	p17, err := umbraco17.ParseGetWebhookLogsResponse(response(200, umbracoWebhookLogs))
	if err != nil {
		t.Fatal(err)
	}
	p18, err := umbraco18.ParseGetWebhookLogsResponse(response(200, umbracoWebhookLogs))
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]time.Time{"umbraco17": p17.JSON200.Items[0].Date.Time, "umbraco18": p18.JSON200.Items[0].Date.Time} {
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%s: date = %v, want %v UTC", name, got, want)
		}
	}
}
