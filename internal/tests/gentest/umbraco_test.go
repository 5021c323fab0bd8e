package gentest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/mgmtapi/mgmtapi/datetime"
	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
	umbraco18 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco18"
)

// Umbraco 17 and 18 name their Go types differently (18's polymorphic
// schemas are unions with a generated discriminator), so each version maps
// its decoded value into these version-independent views and one table of
// documented bodies runs against both packages.

type umbPermission struct {
	Type   string   // $type
	Target []string // document id; document type and property type ids; or the context
	Verbs  []string
}

type umbCurrentUser struct {
	ID, Email, UserName, Name                 string
	LanguageIsoCode                           *string
	IsAdmin                                   bool
	HasDocumentRootAccess, HasMediaRootAccess bool
	HasAllLanguages, HasSensitiveData         bool
	AllowedSections, Languages, Fallback      []string
	AvatarURLs                                []string
	DocumentStartNodes, MediaStartNodes       []string
	UserGroups                                []string
	Permissions                               []umbPermission
}

type umbUser struct {
	ID, Email, UserName, Name, State, Kind string
	LanguageIsoCode                        *string
	FailedLoginAttempts                    int32
	CreateDate, UpdateDate                 datetime.Time
	LastLoginDate, LastLockoutDate         *datetime.Time
	LastPasswordChangeDate                 *datetime.Time
	IsAdmin                                bool
	UserGroups                             []string
}

type umbReference struct {
	Type      string // $type
	ID        string
	Name      *string
	Published *bool
	Of        string // alias of the document or media type; "type" of a default reference
	Variants  []string
}

type umbracoAPI struct {
	name string
	// Fields only this version's schema has, added to the shared fixtures.
	currentUserExtra, userExtra map[string]any

	currentUser func(t *testing.T, rsp *http.Response) (umbCurrentUser, []byte)
	users       func(t *testing.T, rsp *http.Response) (int64, []umbUser, []byte)
	references  func(t *testing.T, rsp *http.Response) (int64, []umbReference)

	newGetUser        func(server string, skip, take *int32) (*http.Request, error)
	newGetUserCurrent func(server string) (*http.Request, error)
	newReferencedBy   func(server string, id uuid.UUID, skip, take *int32) (*http.Request, error)
}

func ids[T any](refs []T, id func(T) uuid.UUID) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, id(r).String())
	}
	return out
}

func mustEncode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("re-encoding %T: %v", v, err)
	}
	return b
}

var umbracoAPIs = []umbracoAPI{
	{
		name: "umbraco17",
		currentUser: func(t *testing.T, rsp *http.Response) (umbCurrentUser, []byte) {
			r, err := umbraco17.ParseGetUserCurrentResponse(rsp)
			if err != nil {
				t.Fatalf("ParseGetUserCurrentResponse: %v", err)
			}
			if r.JSON200 == nil {
				t.Fatalf("JSON200 is nil for status %d", r.StatusCode())
			}
			u := r.JSON200
			id := func(r umbraco17.ReferenceByIdModel) uuid.UUID { return r.Id }
			v := umbCurrentUser{
				ID: u.Id.String(), Email: u.Email, UserName: u.UserName, Name: u.Name,
				LanguageIsoCode: u.LanguageIsoCode, IsAdmin: u.IsAdmin,
				HasDocumentRootAccess: u.HasDocumentRootAccess, HasMediaRootAccess: u.HasMediaRootAccess,
				HasAllLanguages: u.HasAccessToAllLanguages, HasSensitiveData: u.HasAccessToSensitiveData,
				AllowedSections: u.AllowedSections, Languages: u.Languages, Fallback: u.FallbackPermissions,
				AvatarURLs:         u.AvatarUrls,
				DocumentStartNodes: ids(u.DocumentStartNodeIds, id), MediaStartNodes: ids(u.MediaStartNodeIds, id),
				UserGroups:  ids(u.UserGroupIds, id),
				Permissions: []umbPermission{},
			}
			for _, p := range u.Permissions {
				// Umbraco 17's permission items are a oneOf without a
				// generated discriminator: read $type, then use the As... method.
				switch typ := discriminator(t, p); typ {
				case "DocumentPermissionPresentationModel":
					d, err := p.AsDocumentPermissionPresentationModel()
					if err != nil {
						t.Fatalf("AsDocumentPermissionPresentationModel: %v", err)
					}
					v.Permissions = append(v.Permissions, umbPermission{d.TypeDiscriminator, []string{d.Document.Id.String()}, d.Verbs})
				case "DocumentPropertyValuePermissionPresentationModel":
					d, err := p.AsDocumentPropertyValuePermissionPresentationModel()
					if err != nil {
						t.Fatalf("AsDocumentPropertyValuePermissionPresentationModel: %v", err)
					}
					v.Permissions = append(v.Permissions, umbPermission{d.TypeDiscriminator, []string{d.DocumentType.Id.String(), d.PropertyType.Id.String()}, d.Verbs})
				case "UnknownTypePermissionPresentationModel":
					d, err := p.AsUnknownTypePermissionPresentationModel()
					if err != nil {
						t.Fatalf("AsUnknownTypePermissionPresentationModel: %v", err)
					}
					v.Permissions = append(v.Permissions, umbPermission{d.TypeDiscriminator, []string{d.Context}, d.Verbs})
				default:
					t.Errorf("permission with unexpected $type %q", typ)
				}
			}
			return v, mustEncode(t, u)
		},
		users: func(t *testing.T, rsp *http.Response) (int64, []umbUser, []byte) {
			r, err := umbraco17.ParseGetUserResponse(rsp)
			if err != nil {
				t.Fatalf("ParseGetUserResponse: %v", err)
			}
			if r.JSON200 == nil {
				t.Fatalf("JSON200 is nil for status %d", r.StatusCode())
			}
			id := func(r umbraco17.ReferenceByIdModel) uuid.UUID { return r.Id }
			users := []umbUser{}
			for _, u := range r.JSON200.Items {
				users = append(users, umbUser{
					ID: u.Id.String(), Email: u.Email, UserName: u.UserName, Name: u.Name,
					State: string(u.State), Kind: string(u.Kind), LanguageIsoCode: u.LanguageIsoCode,
					FailedLoginAttempts: u.FailedLoginAttempts, CreateDate: u.CreateDate, UpdateDate: u.UpdateDate,
					LastLoginDate: u.LastLoginDate, LastLockoutDate: u.LastLockoutDate, LastPasswordChangeDate: u.LastPasswordChangeDate,
					IsAdmin: u.IsAdmin, UserGroups: ids(u.UserGroupIds, id),
				})
			}
			return r.JSON200.Total, users, mustEncode(t, r.JSON200)
		},
		references: func(t *testing.T, rsp *http.Response) (int64, []umbReference) {
			r, err := umbraco17.ParseGetDocumentByIdReferencedByResponse(rsp)
			if err != nil {
				t.Fatalf("ParseGetDocumentByIdReferencedByResponse: %v", err)
			}
			if r.JSON200 == nil {
				t.Fatalf("JSON200 is nil for status %d", r.StatusCode())
			}
			refs := []umbReference{}
			for _, it := range r.JSON200.Items {
				switch typ := discriminator(t, it); typ {
				case "DocumentReferenceResponseModel":
					d, err := it.AsDocumentReferenceResponseModel()
					if err != nil {
						t.Fatalf("AsDocumentReferenceResponseModel: %v", err)
					}
					ref := umbReference{Type: d.TypeDiscriminator, ID: d.Id.String(), Name: d.Name, Published: d.Published, Of: deref(d.DocumentType.Alias)}
					for _, v := range d.Variants {
						ref.Variants = append(ref.Variants, deref(v.Culture)+"|"+v.Name+"|"+string(v.State)+"|"+deref(v.Id).String())
					}
					refs = append(refs, ref)
				case "MediaReferenceResponseModel":
					d, err := it.AsMediaReferenceResponseModel()
					if err != nil {
						t.Fatalf("AsMediaReferenceResponseModel: %v", err)
					}
					refs = append(refs, umbReference{Type: d.TypeDiscriminator, ID: d.Id.String(), Name: d.Name, Of: deref(d.MediaType.Alias)})
				case "DefaultReferenceResponseModel":
					d, err := it.AsDefaultReferenceResponseModel()
					if err != nil {
						t.Fatalf("AsDefaultReferenceResponseModel: %v", err)
					}
					refs = append(refs, umbReference{Type: d.TypeDiscriminator, ID: d.Id.String(), Name: d.Name, Of: deref(d.Type)})
				default:
					t.Errorf("reference with unexpected $type %q", typ)
				}
			}
			return r.JSON200.Total, refs
		},
		newGetUser: func(server string, skip, take *int32) (*http.Request, error) {
			return umbraco17.NewGetUserRequest(server, &umbraco17.GetUserParams{Skip: skip, Take: take})
		},
		newGetUserCurrent: umbraco17.NewGetUserCurrentRequest,
		newReferencedBy: func(server string, id uuid.UUID, skip, take *int32) (*http.Request, error) {
			return umbraco17.NewGetDocumentByIdReferencedByRequest(server, id, &umbraco17.GetDocumentByIdReferencedByParams{Skip: skip, Take: take})
		},
	},
	{
		name:             "umbraco18",
		currentUserExtra: map[string]any{"elementStartNodeIds": []any{}, "hasElementRootAccess": false},
		userExtra:        map[string]any{"elementStartNodeIds": []any{}, "hasElementRootAccess": false},
		currentUser: func(t *testing.T, rsp *http.Response) (umbCurrentUser, []byte) {
			r, err := umbraco18.ParseGetUserCurrentResponse(rsp)
			if err != nil {
				t.Fatalf("ParseGetUserCurrentResponse: %v", err)
			}
			if r.JSON200 == nil {
				t.Fatalf("JSON200 is nil for status %d", r.StatusCode())
			}
			u := r.JSON200
			id := func(r umbraco18.ReferenceByIdModel) uuid.UUID { return r.Id }
			v := umbCurrentUser{
				ID: u.Id.String(), Email: u.Email, UserName: u.UserName, Name: u.Name,
				LanguageIsoCode: u.LanguageIsoCode, IsAdmin: u.IsAdmin,
				HasDocumentRootAccess: u.HasDocumentRootAccess, HasMediaRootAccess: u.HasMediaRootAccess,
				HasAllLanguages: u.HasAccessToAllLanguages, HasSensitiveData: u.HasAccessToSensitiveData,
				AllowedSections: u.AllowedSections, Languages: u.Languages, Fallback: u.FallbackPermissions,
				AvatarURLs:         u.AvatarUrls,
				DocumentStartNodes: ids(u.DocumentStartNodeIds, id), MediaStartNodes: ids(u.MediaStartNodeIds, id),
				UserGroups:  ids(u.UserGroupIds, id),
				Permissions: []umbPermission{},
			}
			for _, p := range u.Permissions {
				// Umbraco 18's are a discriminated union: the generated
				// Discriminator and ValueByDiscriminator must agree with $type.
				typ, err := p.Discriminator()
				if err != nil {
					t.Fatalf("Discriminator: %v", err)
				}
				if raw := discriminator(t, p); typ != raw {
					t.Errorf("Discriminator() = %q, $type = %q", typ, raw)
				}
				val, err := p.ValueByDiscriminator()
				if err != nil {
					t.Fatalf("ValueByDiscriminator(%q): %v", typ, err)
				}
				switch d := val.(type) {
				case umbraco18.IPermissionPresentationModelDocumentPermissionPresentationModel:
					v.Permissions = append(v.Permissions, umbPermission{string(d.TypeDiscriminator), []string{d.Document.Id.String()}, d.Verbs})
				case umbraco18.IPermissionPresentationModelDocumentPropertyValuePermissionPresentationModel:
					v.Permissions = append(v.Permissions, umbPermission{string(d.TypeDiscriminator), []string{d.DocumentType.Id.String(), d.PropertyType.Id.String()}, d.Verbs})
				case umbraco18.IPermissionPresentationModelUnknownTypePermissionPresentationModel:
					v.Permissions = append(v.Permissions, umbPermission{string(d.TypeDiscriminator), []string{d.Context}, d.Verbs})
				default:
					t.Errorf("ValueByDiscriminator(%q) returned %T", typ, val)
				}
			}
			return v, mustEncode(t, u)
		},
		users: func(t *testing.T, rsp *http.Response) (int64, []umbUser, []byte) {
			r, err := umbraco18.ParseGetUserResponse(rsp)
			if err != nil {
				t.Fatalf("ParseGetUserResponse: %v", err)
			}
			if r.JSON200 == nil {
				t.Fatalf("JSON200 is nil for status %d", r.StatusCode())
			}
			id := func(r umbraco18.ReferenceByIdModel) uuid.UUID { return r.Id }
			users := []umbUser{}
			for _, u := range r.JSON200.Items {
				users = append(users, umbUser{
					ID: u.Id.String(), Email: u.Email, UserName: u.UserName, Name: u.Name,
					State: string(u.State), Kind: string(u.Kind), LanguageIsoCode: u.LanguageIsoCode,
					FailedLoginAttempts: u.FailedLoginAttempts, CreateDate: u.CreateDate, UpdateDate: u.UpdateDate,
					LastLoginDate: u.LastLoginDate, LastLockoutDate: u.LastLockoutDate, LastPasswordChangeDate: u.LastPasswordChangeDate,
					IsAdmin: u.IsAdmin, UserGroups: ids(u.UserGroupIds, id),
				})
			}
			return r.JSON200.Total, users, mustEncode(t, r.JSON200)
		},
		references: func(t *testing.T, rsp *http.Response) (int64, []umbReference) {
			r, err := umbraco18.ParseGetDocumentByIdReferencedByResponse(rsp)
			if err != nil {
				t.Fatalf("ParseGetDocumentByIdReferencedByResponse: %v", err)
			}
			if r.JSON200 == nil {
				t.Fatalf("JSON200 is nil for status %d", r.StatusCode())
			}
			refs := []umbReference{}
			for _, it := range r.JSON200.Items {
				typ, err := it.Discriminator()
				if err != nil {
					t.Fatalf("Discriminator: %v", err)
				}
				val, err := it.ValueByDiscriminator()
				if err != nil {
					t.Fatalf("ValueByDiscriminator(%q): %v", typ, err)
				}
				switch d := val.(type) {
				case umbraco18.IReferenceResponseModelDocumentReferenceResponseModel:
					ref := umbReference{Type: string(d.TypeDiscriminator), ID: d.Id.String(), Name: d.Name, Published: d.Published, Of: deref(d.DocumentType.Alias)}
					for _, v := range d.Variants {
						ref.Variants = append(ref.Variants, deref(v.Culture)+"|"+v.Name+"|"+string(v.State)+"|"+v.Id.String())
					}
					refs = append(refs, ref)
				case umbraco18.IReferenceResponseModelMediaReferenceResponseModel:
					refs = append(refs, umbReference{Type: string(d.TypeDiscriminator), ID: d.Id.String(), Name: d.Name, Of: deref(d.MediaType.Alias)})
				case umbraco18.IReferenceResponseModelDefaultReferenceResponseModel:
					refs = append(refs, umbReference{Type: string(d.TypeDiscriminator), ID: d.Id.String(), Name: d.Name, Of: deref(d.Type)})
				default:
					t.Errorf("ValueByDiscriminator(%q) returned %T", typ, val)
				}
			}
			return r.JSON200.Total, refs
		},
		newGetUser: func(server string, skip, take *int32) (*http.Request, error) {
			return umbraco18.NewGetUserRequest(server, &umbraco18.GetUserParams{Skip: skip, Take: take})
		},
		newGetUserCurrent: umbraco18.NewGetUserCurrentRequest,
		newReferencedBy: func(server string, id uuid.UUID, skip, take *int32) (*http.Request, error) {
			return umbraco18.NewGetDocumentByIdReferencedByRequest(server, id, &umbraco18.GetDocumentByIdReferencedByParams{Skip: skip, Take: take})
		},
	},
}

// GET /umbraco/management/api/v1/user/current: an editor with start nodes,
// granular permissions of three $types and no UI language (null).
const umbracoCurrentEditor = `{
  "id": "5a7c3e0e-8d4b-4c8e-9d1f-2b6a0c9e7f11",
  "email": "editor@example.com",
  "userName": "editor@example.com",
  "name": "Edith Editor",
  "languageIsoCode": null,
  "documentStartNodeIds": [{"id": "c0f1c7d2-4e2b-4a55-a1de-9c7a0a1b2c3d"}],
  "hasDocumentRootAccess": false,
  "mediaStartNodeIds": [],
  "hasMediaRootAccess": true,
  "avatarUrls": [
    "https://cms.example/media/avatars/edith.jpg?rmode=crop&width=30&height=30",
    "https://cms.example/media/avatars/edith.jpg?rmode=crop&width=60&height=60"
  ],
  "languages": ["en-US", "da-DK"],
  "hasAccessToAllLanguages": false,
  "hasAccessToSensitiveData": false,
  "fallbackPermissions": ["Umb.Document.Read", "Umb.Document.Update", "Umb.Document.Publish"],
  "permissions": [
    {
      "$type": "DocumentPermissionPresentationModel",
      "document": {"id": "c0f1c7d2-4e2b-4a55-a1de-9c7a0a1b2c3d"},
      "verbs": ["Umb.Document.Read", "Umb.Document.Delete"]
    },
    {
      "$type": "DocumentPropertyValuePermissionPresentationModel",
      "documentType": {"id": "0b9e8f3a-6a3f-4d5e-8a2b-1f4c6d8e0a21"},
      "propertyType": {"id": "7d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09"},
      "verbs": ["Umb.Document.PropertyValue.Read"]
    },
    {
      "$type": "UnknownTypePermissionPresentationModel",
      "context": "Acme.Reports",
      "verbs": ["Acme.Reports.Export"]
    }
  ],
  "allowedSections": ["Umb.Section.Content", "Umb.Section.Media"],
  "isAdmin": false,
  "userGroupIds": [{"id": "44dc260e-b4d4-4dd9-9081-eeb22cd8cdab"}]
}`

// An administrator with a UI language and no granular permissions.
const umbracoCurrentAdmin = `{
  "id": "1e70f841-c261-413b-abb2-2d68cdb96094",
  "email": "admin@example.com",
  "userName": "admin",
  "name": "Administrator",
  "languageIsoCode": "en-US",
  "documentStartNodeIds": [],
  "hasDocumentRootAccess": true,
  "mediaStartNodeIds": [],
  "hasMediaRootAccess": true,
  "avatarUrls": [],
  "languages": [],
  "hasAccessToAllLanguages": true,
  "hasAccessToSensitiveData": true,
  "fallbackPermissions": ["Umb.Document.Read"],
  "permissions": [],
  "allowedSections": ["Umb.Section.Content", "Umb.Section.Media", "Umb.Section.Settings", "Umb.Section.Users"],
  "isAdmin": true,
  "userGroupIds": [{"id": "e5e7f6c8-7f9c-4b5b-8d5d-9e1e5a4f7ac1"}, {"id": "9fc2a16f-528c-46d6-a014-75bf4ec2480c"}]
}`

func TestUmbracoCurrentUser(t *testing.T) {
	tests := []struct {
		name string
		body string
		want umbCurrentUser
	}{
		{
			name: "editor with null languageIsoCode and typed permissions",
			body: umbracoCurrentEditor,
			want: umbCurrentUser{
				ID: "5a7c3e0e-8d4b-4c8e-9d1f-2b6a0c9e7f11", Email: "editor@example.com", UserName: "editor@example.com", Name: "Edith Editor",
				LanguageIsoCode: nil, HasMediaRootAccess: true,
				AllowedSections: []string{"Umb.Section.Content", "Umb.Section.Media"},
				Languages:       []string{"en-US", "da-DK"},
				Fallback:        []string{"Umb.Document.Read", "Umb.Document.Update", "Umb.Document.Publish"},
				AvatarURLs: []string{
					"https://cms.example/media/avatars/edith.jpg?rmode=crop&width=30&height=30",
					"https://cms.example/media/avatars/edith.jpg?rmode=crop&width=60&height=60",
				},
				DocumentStartNodes: []string{"c0f1c7d2-4e2b-4a55-a1de-9c7a0a1b2c3d"},
				MediaStartNodes:    []string{},
				UserGroups:         []string{"44dc260e-b4d4-4dd9-9081-eeb22cd8cdab"},
				Permissions: []umbPermission{
					{"DocumentPermissionPresentationModel", []string{"c0f1c7d2-4e2b-4a55-a1de-9c7a0a1b2c3d"}, []string{"Umb.Document.Read", "Umb.Document.Delete"}},
					{"DocumentPropertyValuePermissionPresentationModel", []string{"0b9e8f3a-6a3f-4d5e-8a2b-1f4c6d8e0a21", "7d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09"}, []string{"Umb.Document.PropertyValue.Read"}},
					{"UnknownTypePermissionPresentationModel", []string{"Acme.Reports"}, []string{"Acme.Reports.Export"}},
				},
			},
		},
		{
			name: "administrator with languageIsoCode and no granular permissions",
			body: umbracoCurrentAdmin,
			want: umbCurrentUser{
				ID: "1e70f841-c261-413b-abb2-2d68cdb96094", Email: "admin@example.com", UserName: "admin", Name: "Administrator",
				LanguageIsoCode: ptr("en-US"), IsAdmin: true,
				HasDocumentRootAccess: true, HasMediaRootAccess: true, HasAllLanguages: true, HasSensitiveData: true,
				AllowedSections:    []string{"Umb.Section.Content", "Umb.Section.Media", "Umb.Section.Settings", "Umb.Section.Users"},
				Languages:          []string{},
				Fallback:           []string{"Umb.Document.Read"},
				AvatarURLs:         []string{},
				DocumentStartNodes: []string{},
				MediaStartNodes:    []string{},
				UserGroups:         []string{"e5e7f6c8-7f9c-4b5b-8d5d-9e1e5a4f7ac1", "9fc2a16f-528c-46d6-a014-75bf4ec2480c"},
				Permissions:        []umbPermission{},
			},
		},
	}
	for _, api := range umbracoAPIs {
		for _, tc := range tests {
			t.Run(api.name+"/"+tc.name, func(t *testing.T) {
				body := withFields(t, tc.body, api.currentUserExtra)
				got, encoded := api.currentUser(t, jsonResponse(200, "application/json; charset=utf-8", body))
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("decoded\n got %+v\nwant %+v", got, tc.want)
				}
				// Every property is required, so re-encoding gives the
				// document back, languageIsoCode null and $type included.
				assertSameJSON(t, []byte(body), encoded)
			})
		}
	}
}

// GET /umbraco/management/api/v1/user: {"total": N, "items": [...]}.
const umbracoUsersPage = `{
  "total": 57,
  "items": [
    {
      "id": "1e70f841-c261-413b-abb2-2d68cdb96094",
      "email": "admin@example.com",
      "userName": "admin",
      "name": "Administrator",
      "userGroupIds": [{"id": "e5e7f6c8-7f9c-4b5b-8d5d-9e1e5a4f7ac1"}],
      "languageIsoCode": "en-US",
      "documentStartNodeIds": [],
      "hasDocumentRootAccess": true,
      "mediaStartNodeIds": [],
      "hasMediaRootAccess": true,
      "avatarUrls": [],
      "state": "Active",
      "failedLoginAttempts": 0,
      "createDate": "2025-03-04T09:15:27.1234567+00:00",
      "updateDate": "2025-11-20T08:01:02.5+01:00",
      "lastLoginDate": "2025-11-20T08:01:02.5+01:00",
      "lastLockoutDate": null,
      "lastPasswordChangeDate": "2025-03-04T09:15:27.1234567+00:00",
      "isAdmin": true,
      "kind": "Default"
    },
    {
      "id": "2f4e6a8c-0b1d-4f3a-9c5e-7a9b1c3d5e7f",
      "email": "",
      "userName": "reporting-client",
      "name": "Reporting client",
      "userGroupIds": [{"id": "9fc2a16f-528c-46d6-a014-75bf4ec2480c"}],
      "languageIsoCode": null,
      "documentStartNodeIds": [{"id": "c0f1c7d2-4e2b-4a55-a1de-9c7a0a1b2c3d"}],
      "hasDocumentRootAccess": false,
      "mediaStartNodeIds": [],
      "hasMediaRootAccess": false,
      "avatarUrls": [],
      "state": "Inactive",
      "failedLoginAttempts": 3,
      "createDate": "2025-06-01T12:00:00+00:00",
      "updateDate": "2025-06-01T12:00:00+00:00",
      "lastLoginDate": null,
      "lastLockoutDate": null,
      "lastPasswordChangeDate": null,
      "isAdmin": false,
      "kind": "Api"
    }
  ]
}`

func TestUmbracoUserPage(t *testing.T) {
	at := func(s string) datetime.Time {
		tm, err := datetime.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name      string
		body      string
		wantTotal int64
		want      []umbUser
	}{
		{
			name:      "a page of two of 57 users, nullable dates and language null",
			body:      umbracoUsersPage,
			wantTotal: 57,
			want: []umbUser{
				{
					ID: "1e70f841-c261-413b-abb2-2d68cdb96094", Email: "admin@example.com", UserName: "admin", Name: "Administrator",
					State: "Active", Kind: "Default", LanguageIsoCode: ptr("en-US"),
					CreateDate: at("2025-03-04T09:15:27.1234567Z"), UpdateDate: at("2025-11-20T07:01:02.5Z"),
					LastLoginDate: ptr(at("2025-11-20T07:01:02.5Z")), LastPasswordChangeDate: ptr(at("2025-03-04T09:15:27.1234567Z")),
					IsAdmin: true, UserGroups: []string{"e5e7f6c8-7f9c-4b5b-8d5d-9e1e5a4f7ac1"},
				},
				{
					ID: "2f4e6a8c-0b1d-4f3a-9c5e-7a9b1c3d5e7f", Email: "", UserName: "reporting-client", Name: "Reporting client",
					State: "Inactive", Kind: "Api", FailedLoginAttempts: 3,
					CreateDate: at("2025-06-01T12:00:00Z"), UpdateDate: at("2025-06-01T12:00:00Z"),
					UserGroups: []string{"9fc2a16f-528c-46d6-a014-75bf4ec2480c"},
				},
			},
		},
		{
			name:      "an empty page",
			body:      `{"total": 0, "items": []}`,
			wantTotal: 0,
			want:      []umbUser{},
		},
	}
	for _, api := range umbracoAPIs {
		for _, tc := range tests {
			t.Run(api.name+"/"+tc.name, func(t *testing.T) {
				body := withItemFields(t, tc.body, api.userExtra)
				total, got, encoded := api.users(t, jsonResponse(200, "application/json", body))
				if total != tc.wantTotal {
					t.Errorf("total = %d, want %d", total, tc.wantTotal)
				}
				if len(got) != len(tc.want) {
					t.Fatalf("%d items, want %d", len(got), len(tc.want))
				}
				for i := range got {
					// time.Time keeps the parsed zone: compare instants.
					g, w := got[i], tc.want[i]
					if !g.CreateDate.Equal(w.CreateDate.Time) || !g.UpdateDate.Equal(w.UpdateDate.Time) ||
						!sameInstant(g.LastLoginDate, w.LastLoginDate) || !sameInstant(g.LastLockoutDate, w.LastLockoutDate) ||
						!sameInstant(g.LastPasswordChangeDate, w.LastPasswordChangeDate) {
						t.Errorf("item %d dates: got %+v, want %+v", i, g, w)
					}
					g.CreateDate, g.UpdateDate, g.LastLoginDate, g.LastLockoutDate, g.LastPasswordChangeDate = w.CreateDate, w.UpdateDate, w.LastLoginDate, w.LastLockoutDate, w.LastPasswordChangeDate
					if !reflect.DeepEqual(g, w) {
						t.Errorf("item %d\n got %+v\nwant %+v", i, g, w)
					}
				}
				// Re-encoding and decoding again gives the same values.
				total2, again, _ := api.users(t, jsonResponse(200, "application/json", string(encoded)))
				if total2 != total || len(again) != len(got) {
					t.Fatalf("re-decoded %d/%d items, want %d/%d", total2, len(again), total, len(got))
				}
				for i := range got {
					if !got[i].CreateDate.Equal(again[i].CreateDate.Time) || !sameInstant(got[i].LastLoginDate, again[i].LastLoginDate) ||
						deref(got[i].LanguageIsoCode) != deref(again[i].LanguageIsoCode) || (got[i].LanguageIsoCode == nil) != (again[i].LanguageIsoCode == nil) {
						t.Errorf("item %d changed on re-encoding: %+v -> %+v", i, got[i], again[i])
					}
				}
			})
		}
	}
}

func sameInstant(a, b *datetime.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(b.Time)
}

// GET /umbraco/management/api/v1/document/{id}/referenced-by: a paged list
// of polymorphic items told apart by "$type", with nullable names.
const umbracoReferencedBy = `{
  "total": 3,
  "items": [
    {
      "$type": "DocumentReferenceResponseModel",
      "id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
      "name": "Home",
      "published": true,
      "documentType": {"id": "0b9e8f3a-6a3f-4d5e-8a2b-1f4c6d8e0a21", "alias": "homePage", "name": "Home Page", "icon": "icon-home"},
      "variants": [
        {"id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "name": "Home", "culture": "en-US", "state": "Published", "flags": []},
        {"id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "name": "Hjem", "culture": "da-DK", "state": "Draft", "flags": []}
      ]
    },
    {
      "$type": "MediaReferenceResponseModel",
      "id": "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
      "name": null,
      "mediaType": {"id": "cc07b313-0843-4aa8-bbda-871c8da728c8", "alias": "Image", "name": "Image", "icon": "icon-picture"}
    },
    {
      "$type": "DefaultReferenceResponseModel",
      "id": "c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f",
      "name": null,
      "type": "member",
      "icon": null
    }
  ]
}`

func TestUmbracoReferencePage(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantTotal int64
		want      []umbReference
	}{
		{
			name:      "document, media and default references",
			body:      umbracoReferencedBy,
			wantTotal: 3,
			want: []umbReference{
				{Type: "DocumentReferenceResponseModel", ID: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", Name: ptr("Home"), Published: ptr(true), Of: "homePage",
					Variants: []string{"en-US|Home|Published|a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "da-DK|Hjem|Draft|a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"}},
				{Type: "MediaReferenceResponseModel", ID: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e", Name: nil, Of: "Image"},
				{Type: "DefaultReferenceResponseModel", ID: "c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f", Name: nil, Of: "member"},
			},
		},
		{
			name:      "no references",
			body:      `{"total": 0, "items": []}`,
			wantTotal: 0,
			want:      []umbReference{},
		},
	}
	for _, api := range umbracoAPIs {
		for _, tc := range tests {
			t.Run(api.name+"/"+tc.name, func(t *testing.T) {
				total, got := api.references(t, jsonResponse(200, "application/json", tc.body))
				if total != tc.wantTotal {
					t.Errorf("total = %d, want %d", total, tc.wantTotal)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("decoded\n got %+v\nwant %+v", got, tc.want)
				}
			})
		}
	}
}

// A 401 has no body: the Parse function must not fail, and JSON200 stays nil.
func TestUmbracoUnauthorized(t *testing.T) {
	tests := []struct {
		name  string
		parse func(*http.Response) (bool, error)
	}{
		{"umbraco17", func(r *http.Response) (bool, error) {
			p, err := umbraco17.ParseGetUserCurrentResponse(r)
			return err == nil && p.JSON200 != nil, err
		}},
		{"umbraco18", func(r *http.Response) (bool, error) {
			p, err := umbraco18.ParseGetUserCurrentResponse(r)
			return err == nil && p.JSON200 != nil, err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			has200, err := tc.parse(jsonResponse(401, "", ""))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if has200 {
				t.Error("JSON200 set for a 401")
			}
		})
	}
}

func TestUmbracoRequests(t *testing.T) {
	doc := uuid.MustParse("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")
	var cases []requestCase
	for _, api := range umbracoAPIs {
		cases = append(cases,
			requestCase{
				name: api.name + "/users skip and take",
				build: func() (*http.Request, error) {
					return api.newGetUser("https://cms.example/", ptr(int32(20)), ptr(int32(10)))
				},
				method: http.MethodGet, path: "/umbraco/management/api/v1/user",
				query: url.Values{"skip": {"20"}, "take": {"10"}},
			},
			requestCase{
				name:   api.name + "/users skip 0 is sent",
				build:  func() (*http.Request, error) { return api.newGetUser("https://cms.example/", ptr(int32(0)), nil) },
				method: http.MethodGet, path: "/umbraco/management/api/v1/user",
				query: url.Values{"skip": {"0"}},
			},
			requestCase{
				name:   api.name + "/users without paging",
				build:  func() (*http.Request, error) { return api.newGetUser("https://cms.example/", nil, nil) },
				method: http.MethodGet, path: "/umbraco/management/api/v1/user",
			},
			requestCase{
				name:   api.name + "/current user under a base path",
				build:  func() (*http.Request, error) { return api.newGetUserCurrent("https://hosting.example/site1/") },
				method: http.MethodGet, path: "/site1/umbraco/management/api/v1/user/current",
			},
			requestCase{
				name: api.name + "/document referenced-by",
				build: func() (*http.Request, error) {
					return api.newReferencedBy("https://cms.example", doc, ptr(int32(0)), ptr(int32(50)))
				},
				method: http.MethodGet, path: "/umbraco/management/api/v1/document/a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d/referenced-by",
				query: url.Values{"skip": {"0"}, "take": {"50"}},
			},
		)
	}
	runRequestCases(t, cases)
}

// bodyServer is an httptest server that records the bytes of every request
// body it receives and answers 201.
type bodyServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
}

func newBodyServer(t *testing.T) *bodyServer {
	t.Helper()
	s := &bodyServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.bodies = append(s.bodies, b)
		s.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(s.Close)
	return s
}

// last returns the body of the only request received since the previous
// call, failing unless exactly one arrived.
func (s *bodyServer) last(t *testing.T) []byte {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.bodies) != 1 {
		t.Fatalf("server received %d requests, want 1", len(s.bodies))
	}
	b := s.bodies[0]
	s.bodies = nil
	return b
}

// Umbraco's own acceptance-test helper creates a package with every item
// list a one-element array of its argument and leaves mediaIds out, so an
// empty package is this body (@umbraco/playwright-testhelpers 18.0.5,
// PackageApiHelper create/createEmptyPackage; JSON.stringify writes
// [undefined] as [null]).
const umbracoEmptyPackage = `{"name":"uSync export","contentLoadChildNodes":false,"mediaLoadChildNodes":false,
"documentTypes":[null],"mediaTypes":[null],"dataTypes":[null],"templates":[null],"partialViews":[null],
"stylesheets":[null],"scripts":[null],"languages":[null],"dictionaryItems":[null]}`

// TestUmbracoPackageNullItems sends a package whose lists hold nil items
// and leaves the other lists unset, with both versions' clients: the bytes
// on the wire carry null (not "") for each nil item and no member for an
// unset list (mediaIds included); Umbraco's own [null] body decodes into
// the request type and encodes back unchanged.
func TestUmbracoPackageNullItems(t *testing.T) {
	const want = `{"name":"uSync export","contentLoadChildNodes":false,"mediaLoadChildNodes":false,
		"documentTypes":[null],"scripts":["site.js",null]}`
	for _, v := range []struct {
		name   string
		send   func(server string) error
		decode func(t *testing.T, b []byte) []byte
	}{
		{"umbraco17", func(server string) error {
			c, err := umbraco17.NewClient(server)
			if err != nil {
				return err
			}
			resp, err := c.PostPackageCreated(t.Context(), umbraco17.CreatePackageRequestModel{
				Name:          "uSync export",
				DocumentTypes: &[]*string{nil},
				Scripts:       &[]*string{ptr("site.js"), nil},
			})
			if err == nil {
				resp.Body.Close()
			}
			return err
		}, func(t *testing.T, b []byte) []byte {
			var m umbraco17.CreatePackageRequestModel
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if m.DocumentTypes == nil || len(*m.DocumentTypes) != 1 || (*m.DocumentTypes)[0] != nil || m.MediaIds != nil {
				t.Errorf("decoded documentTypes %v, mediaIds %v; want [nil] and unset", m.DocumentTypes, m.MediaIds)
			}
			return mustEncode(t, m)
		}},
		{"umbraco18", func(server string) error {
			c, err := umbraco18.NewClient(server)
			if err != nil {
				return err
			}
			resp, err := c.PostPackageCreated(t.Context(), umbraco18.CreatePackageRequestModel{
				Name:          "uSync export",
				DocumentTypes: &[]*string{nil},
				Scripts:       &[]*string{ptr("site.js"), nil},
			})
			if err == nil {
				resp.Body.Close()
			}
			return err
		}, func(t *testing.T, b []byte) []byte {
			var m umbraco18.CreatePackageRequestModel
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if m.DocumentTypes == nil || len(*m.DocumentTypes) != 1 || (*m.DocumentTypes)[0] != nil || m.MediaIds != nil {
				t.Errorf("decoded documentTypes %v, mediaIds %v; want [nil] and unset", m.DocumentTypes, m.MediaIds)
			}
			return mustEncode(t, m)
		}},
	} {
		t.Run(v.name+"/wire", func(t *testing.T) {
			s := newBodyServer(t)
			if err := v.send(s.URL); err != nil {
				t.Fatal(err)
			}
			got := s.last(t)
			assertSameJSON(t, []byte(want), got)
			if !bytes.Contains(got, []byte(`"documentTypes":[null]`)) || bytes.Contains(got, []byte(`""`)) {
				t.Errorf("a nil item did not go out as null: %s", got)
			}
		})
		t.Run(v.name+"/decode Umbraco's own body", func(t *testing.T) {
			assertSameJSON(t, []byte(umbracoEmptyPackage), v.decode(t, []byte(umbracoEmptyPackage)))
		})
	}
}

// TestUmbracoMemberTypePropertyDefaults creates a member type with two
// properties, one built as Umbraco's acceptance-test builder builds it
// (no isSensitive, no visibility) and one that sets both: on the wire the
// first has neither member (the server keeps its defaults) and the second
// carries what was set, false included.
func TestUmbracoMemberTypePropertyDefaults(t *testing.T) {
	dt := uuid.MustParse("0cc0eba1-9960-42c9-bf9b-60e150b429ae")
	p1 := uuid.MustParse("5f3c5a4e-0d1b-4a43-9c9e-2b7a1c0f9e01")
	p2 := uuid.MustParse("5f3c5a4e-0d1b-4a43-9c9e-2b7a1c0f9e02")
	// Umbraco 18 adds allowedInLibrary (withFields below).
	const want = `{"alias":"customer","name":"Customer","icon":"icon-user","allowedAsRoot":false,
		"isElement":false,"variesByCulture":false,"variesBySegment":false,"compositions":[],"containers":[],
		"properties":[
		{"id":"5f3c5a4e-0d1b-4a43-9c9e-2b7a1c0f9e01","alias":"nickname","name":"Nickname","sortOrder":0,
		 "dataType":{"id":"0cc0eba1-9960-42c9-bf9b-60e150b429ae"},"variesByCulture":false,"variesBySegment":false,
		 "validation":{"mandatory":false},"appearance":{"labelOnTop":false}},
		{"id":"5f3c5a4e-0d1b-4a43-9c9e-2b7a1c0f9e02","alias":"taxId","name":"Tax id","sortOrder":1,
		 "dataType":{"id":"0cc0eba1-9960-42c9-bf9b-60e150b429ae"},"variesByCulture":false,"variesBySegment":false,
		 "validation":{"mandatory":false},"appearance":{"labelOnTop":false},
		 "isSensitive":true,"visibility":{"memberCanView":true,"memberCanEdit":false}}]}`
	for _, v := range []struct {
		name  string
		extra map[string]any
		send  func(server string) error
	}{
		{"umbraco17", nil, func(server string) error {
			c, err := umbraco17.NewClient(server)
			if err != nil {
				return err
			}
			prop := func(id uuid.UUID, alias, name string, order int32) umbraco17.CreateMemberTypePropertyTypeRequestModel {
				return umbraco17.CreateMemberTypePropertyTypeRequestModel{Id: id, Alias: alias, Name: name, SortOrder: order,
					DataType: umbraco17.ReferenceByIdModel{Id: dt}}
			}
			sensitive := prop(p2, "taxId", "Tax id", 1)
			sensitive.IsSensitive = ptr(true)
			sensitive.Visibility = &umbraco17.MemberTypePropertyTypeVisibilityModel{MemberCanView: true}
			resp, err := c.PostMemberType(t.Context(), umbraco17.CreateMemberTypeRequestModel{
				Alias: "customer", Name: "Customer", Icon: "icon-user",
				Compositions: []umbraco17.MemberTypeCompositionModel{}, Containers: []umbraco17.CreateMemberTypePropertyTypeContainerRequestModel{},
				Properties: []umbraco17.CreateMemberTypePropertyTypeRequestModel{prop(p1, "nickname", "Nickname", 0), sensitive},
			})
			if err == nil {
				resp.Body.Close()
			}
			return err
		}},
		{"umbraco18", map[string]any{"allowedInLibrary": false}, func(server string) error {
			c, err := umbraco18.NewClient(server)
			if err != nil {
				return err
			}
			prop := func(id uuid.UUID, alias, name string, order int32) umbraco18.CreateMemberTypePropertyTypeRequestModel {
				return umbraco18.CreateMemberTypePropertyTypeRequestModel{Id: id, Alias: alias, Name: name, SortOrder: order,
					DataType: umbraco18.ReferenceByIdModel{Id: dt}}
			}
			sensitive := prop(p2, "taxId", "Tax id", 1)
			sensitive.IsSensitive = ptr(true)
			sensitive.Visibility = &umbraco18.MemberTypePropertyTypeVisibilityModel{MemberCanView: true}
			resp, err := c.PostMemberType(t.Context(), umbraco18.CreateMemberTypeRequestModel{
				Alias: "customer", Name: "Customer", Icon: "icon-user",
				Compositions: []umbraco18.MemberTypeCompositionModel{}, Containers: []umbraco18.CreateMemberTypePropertyTypeContainerRequestModel{},
				Properties: []umbraco18.CreateMemberTypePropertyTypeRequestModel{prop(p1, "nickname", "Nickname", 0), sensitive},
			})
			if err == nil {
				resp.Body.Close()
			}
			return err
		}},
	} {
		t.Run(v.name, func(t *testing.T) {
			s := newBodyServer(t)
			if err := v.send(s.URL); err != nil {
				t.Fatal(err)
			}
			got := s.last(t)
			assertSameJSON(t, []byte(withFields(t, want, v.extra)), got)
			if n := bytes.Count(got, []byte(`"isSensitive"`)); n != 1 {
				t.Errorf(`"isSensitive" appears %d times on the wire, want 1 (only where it was set): %s`, n, got)
			}
		})
	}
}
