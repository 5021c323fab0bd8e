package gentest

import (
	"net/http"
	"net/url"
	"reflect"
	"testing"

	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
)

// GET /api/server/v1/applications: a page of application list items with
// totalResults, startIndex, count and next/previous links.
const applicationsPage = `{
  "totalResults": 14,
  "startIndex": 11,
  "count": 2,
  "applications": [
    {
      "id": "85e3f4b8-0d22-4181-b1e3-1651f71b88bd",
      "name": "harbour-portal",
      "description": "Self-service portal for harbour staff",
      "image": "https://cdn.acme.example/logos/harbour.png",
      "accessUrl": "https://portal.acme.example/login",
      "clientId": "Hq9x2LmRt7Vb0c_WdKsPz1aYe3Ua",
      "access": "WRITE",
      "applicationEnabled": true,
      "templateId": "b9c5e11e-fc78-484b-9bec-015d247561b8",
      "templateVersion": "v1.0.0",
      "associatedRoles": {"allowedAudience": "APPLICATION", "roles": [{"id": "bf5abd05-3667-4a2a-a6c2-2fb9f4d26e47", "name": "dock-admin"}]},
      "advancedConfigurations": {"discoverableByEndUsers": false, "skipLoginConsent": true, "skipLogoutConsent": true},
      "self": "/t/acme/api/server/v1/applications/85e3f4b8-0d22-4181-b1e3-1651f71b88bd"
    },
    {
      "id": "1c7f0e2a-9b3d-4e5f-8a6b-7c8d9e0f1a2b",
      "name": "payroll-sso",
      "description": "",
      "issuer": "https://payroll.acme.example/saml/metadata",
      "realm": "PayrollRealm",
      "access": "READ",
      "self": "/t/acme/api/server/v1/applications/1c7f0e2a-9b3d-4e5f-8a6b-7c8d9e0f1a2b"
    }
  ],
  "links": [
    {"href": "applications?offset=12&limit=2", "rel": "next"},
    {"href": "applications?offset=8&limit=2", "rel": "previous"}
  ]
}`

func TestApplicationList(t *testing.T) {
	type item struct {
		ID, Name, Description, Image, AccessURL, ClientID, Issuer, Self, Access string
		Roles                                                                   []string
	}
	tests := []struct {
		name                string
		body                string
		total, start, count int
		want                []item
		wantLinks           map[string]string // rel -> href
	}{
		{
			name: "a page with an OIDC and a SAML application",
			body: applicationsPage, total: 14, start: 11, count: 2,
			want: []item{
				{
					ID: "85e3f4b8-0d22-4181-b1e3-1651f71b88bd", Name: "harbour-portal", Description: "Self-service portal for harbour staff",
					Image: "https://cdn.acme.example/logos/harbour.png", AccessURL: "https://portal.acme.example/login", ClientID: "Hq9x2LmRt7Vb0c_WdKsPz1aYe3Ua",
					Self: "/t/acme/api/server/v1/applications/85e3f4b8-0d22-4181-b1e3-1651f71b88bd", Access: "WRITE", Roles: []string{"dock-admin"},
				},
				{
					ID: "1c7f0e2a-9b3d-4e5f-8a6b-7c8d9e0f1a2b", Name: "payroll-sso", Issuer: "https://payroll.acme.example/saml/metadata",
					Self: "/t/acme/api/server/v1/applications/1c7f0e2a-9b3d-4e5f-8a6b-7c8d9e0f1a2b", Access: "READ",
				},
			},
			wantLinks: map[string]string{"next": "applications?offset=12&limit=2", "previous": "applications?offset=8&limit=2"},
		},
		{
			name:  "no applications",
			body:  `{"totalResults": 0, "startIndex": 1, "count": 0, "applications": [], "links": []}`,
			total: 0, start: 1, count: 0, want: []item{}, wantLinks: map[string]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := applications.ParseGetAllApplicationsResponse(jsonResponse(200, "application/json", tc.body))
			if err != nil {
				t.Fatalf("ParseGetAllApplicationsResponse: %v", err)
			}
			l := r.JSON200
			if l == nil {
				t.Fatal("JSON200 is nil")
			}
			if deref(l.TotalResults) != tc.total || deref(l.StartIndex) != tc.start || deref(l.Count) != tc.count {
				t.Errorf("totalResults, startIndex, count = %d, %d, %d; want %d, %d, %d",
					deref(l.TotalResults), deref(l.StartIndex), deref(l.Count), tc.total, tc.start, tc.count)
			}
			if l.Applications == nil {
				t.Fatal("applications is nil")
			}
			got := []item{}
			for _, a := range *l.Applications {
				it := item{
					ID: deref(a.Id), Name: deref(a.Name), Description: deref(a.Description), Image: deref(a.Image),
					AccessURL: deref(a.AccessUrl), ClientID: deref(a.ClientId), Issuer: deref(a.Issuer), Self: deref(a.Self),
					Access: string(deref(a.Access)),
				}
				if a.AssociatedRoles != nil {
					for _, role := range deref(a.AssociatedRoles.Roles) {
						it.Roles = append(it.Roles, deref(role.Name))
					}
				}
				got = append(got, it)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("applications\n got %+v\nwant %+v", got, tc.want)
			}
			links := map[string]string{}
			for _, link := range deref(l.Links) {
				links[deref(link.Rel)] = deref(link.Href)
			}
			if !reflect.DeepEqual(links, tc.wantLinks) {
				t.Errorf("links = %v, want %v", links, tc.wantLinks)
			}
			assertSameJSON(t, []byte(tc.body), mustEncode(t, l))
		})
	}
}

func TestApplicationRequests(t *testing.T) {
	const server = "https://api.asgardeo.io/t/acme/api/server/v1/"
	runRequestCases(t, []requestCase{
		{
			name: "list with limit, offset and filter",
			build: func() (*http.Request, error) {
				return applications.NewGetAllApplicationsRequest(server, &applications.GetAllApplicationsParams{
					Limit: ptr(2), Offset: ptr(10), Filter: ptr("name co portal or clientId eq Hq9x2LmRt7Vb0c_WdKsPz1aYe3Ua"),
				})
			},
			method: http.MethodGet, path: "/t/acme/api/server/v1/applications",
			query: url.Values{"limit": {"2"}, "offset": {"10"}, "filter": {"name co portal or clientId eq Hq9x2LmRt7Vb0c_WdKsPz1aYe3Ua"}},
		},
		{
			name: "list with attributes and excludeSystemPortals",
			build: func() (*http.Request, error) {
				return applications.NewGetAllApplicationsRequest(server, &applications.GetAllApplicationsParams{
					Attributes: ptr("clientId,issuer,templateId"), ExcludeSystemPortals: ptr(true),
				})
			},
			method: http.MethodGet, path: "/t/acme/api/server/v1/applications",
			query: url.Values{"attributes": {"clientId,issuer,templateId"}, "excludeSystemPortals": {"true"}},
		},
		{
			name:   "list without parameters",
			build:  func() (*http.Request, error) { return applications.NewGetAllApplicationsRequest(server, nil) },
			method: http.MethodGet, path: "/t/acme/api/server/v1/applications",
		},
	})
}
