package gentest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
)

// GET /api/v2/users/{id}: a database user linked with a GitHub identity
// (whose user_id is a number), app_metadata and user_metadata objects, and
// an attribute the schema does not declare on the linked profile.
const auth0User = `{
  "user_id": "auth0|507f1f77bcf86cd799439020",
  "email": "kim.lee@example.com",
  "email_verified": false,
  "username": "kimlee",
  "phone_number": "+15551234567",
  "phone_verified": false,
  "created_at": "2024-01-15T09:30:00.123Z",
  "updated_at": "2025-11-02T17:45:12.345Z",
  "identities": [
    {
      "connection": "Username-Password-Authentication",
      "user_id": "507f1f77bcf86cd799439020",
      "provider": "auth0",
      "isSocial": false
    },
    {
      "connection": "github",
      "user_id": 1234567,
      "provider": "github",
      "isSocial": true,
      "profileData": {
        "name": "Kim Lee",
        "email": "kim@users.noreply.github.com",
        "email_verified": true,
        "blog": "https://kim.example"
      }
    }
  ],
  "app_metadata": {"roles": ["admin"], "plan": "pro", "seats": 5},
  "user_metadata": {"theme": "dark", "preferences": {"newsletter": true}},
  "picture": "https://s.gravatar.com/avatar/0f1e2d3c4b5a69788796a5b4c3d2e1f0?s=480&r=pg",
  "name": "Kim Lee",
  "nickname": "kim",
  "multifactor": ["guardian"],
  "last_ip": "203.0.113.7",
  "last_login": "2025-11-02T17:45:12.345Z",
  "logins_count": 42,
  "blocked": false,
  "given_name": "Kim",
  "family_name": "Lee"
}`

func TestAuth0User(t *testing.T) {
	r, err := auth0.ParseGetUsersByIdResponse(jsonResponse(200, "application/json; charset=utf-8", auth0User))
	if err != nil {
		t.Fatalf("ParseGetUsersByIdResponse: %v", err)
	}
	u := r.JSON200
	if u == nil {
		t.Fatal("JSON200 is nil")
	}
	created := time.Date(2024, 1, 15, 9, 30, 0, 123e6, time.UTC)
	lastLogin := time.Date(2025, 11, 2, 17, 45, 12, 345e6, time.UTC)
	fields := []struct {
		name      string
		got, want any
	}{
		{"user_id", deref(u.UserId), "auth0|507f1f77bcf86cd799439020"},
		{"email", deref(u.Email), "kim.lee@example.com"},
		{"email_verified", u.EmailVerified, ptr(false)},
		{"username", deref(u.Username), "kimlee"},
		{"phone_number", deref(u.PhoneNumber), "+15551234567"},
		{"phone_verified", u.PhoneVerified, ptr(false)},
		{"created_at", deref(u.CreatedAt).Equal(created), true},
		{"updated_at", deref(u.UpdatedAt).Equal(lastLogin), true},
		{"last_login", deref(u.LastLogin).Equal(lastLogin), true},
		{"picture", deref(u.Picture), "https://s.gravatar.com/avatar/0f1e2d3c4b5a69788796a5b4c3d2e1f0?s=480&r=pg"},
		{"name", deref(u.Name), "Kim Lee"},
		{"nickname", deref(u.Nickname), "kim"},
		{"given_name", deref(u.GivenName), "Kim"},
		{"family_name", deref(u.FamilyName), "Lee"},
		{"multifactor", deref(u.Multifactor), []string{"guardian"}},
		{"last_ip", deref(u.LastIp), "203.0.113.7"},
		{"logins_count", deref(u.LoginsCount), 42},
		{"blocked", u.Blocked, ptr(false)},
		{"app_metadata", map[string]any(deref(u.AppMetadata)), map[string]any{"roles": []any{"admin"}, "plan": "pro", "seats": json.Number("5")}},
		{"user_metadata", map[string]any(deref(u.UserMetadata)), map[string]any{"theme": "dark", "preferences": map[string]any{"newsletter": true}}},
		{"identities", len(deref(u.Identities)), 2},
		{"no unknown attributes", len(u.AdditionalProperties), 0},
	}
	for _, f := range fields {
		t.Run(f.name, func(t *testing.T) {
			if !reflect.DeepEqual(f.got, f.want) {
				t.Errorf("got %#v, want %#v", f.got, f.want)
			}
		})
	}

	// identities[].user_id is a string for database connections and a number
	// for some social ones: the UserId union reads both, each only as itself.
	identities := []struct {
		name, connection, provider string
		social                     bool
		asString                   string
		asNumber                   int
		numeric                    bool
		profileExtra               map[string]any
	}{
		{name: "database identity", connection: "Username-Password-Authentication", provider: "auth0", asString: "507f1f77bcf86cd799439020"},
		{name: "social identity with numeric user_id", connection: "github", provider: "github", social: true, asNumber: 1234567, numeric: true,
			profileExtra: map[string]any{"blog": "https://kim.example"}},
	}
	for i, want := range identities {
		t.Run("identities/"+want.name, func(t *testing.T) {
			if len(deref(u.Identities)) <= i {
				t.Fatal("missing identity")
			}
			id := deref(u.Identities)[i]
			if deref(id.Connection) != want.connection || string(deref(id.Provider)) != want.provider || deref(id.IsSocial) != want.social {
				t.Errorf("identity = %s/%s social=%v, want %s/%s social=%v", deref(id.Connection), deref(id.Provider), deref(id.IsSocial), want.connection, want.provider, want.social)
			}
			if id.UserId == nil {
				t.Fatal("identity user_id is nil")
			}
			s, sErr := id.UserId.AsUserId0()
			n, nErr := id.UserId.AsUserId1()
			if want.numeric {
				if nErr != nil || n != want.asNumber {
					t.Errorf("AsUserId1() = %d, %v; want %d", n, nErr, want.asNumber)
				}
				if sErr == nil {
					t.Errorf("AsUserId0() on a number = %q, want an error", s)
				}
			} else {
				if sErr != nil || s != want.asString {
					t.Errorf("AsUserId0() = %q, %v; want %q", s, sErr, want.asString)
				}
				if nErr == nil {
					t.Errorf("AsUserId1() on a string = %d, want an error", n)
				}
			}
			var extra map[string]any
			if id.ProfileData != nil {
				extra = id.ProfileData.AdditionalProperties
			}
			if len(want.profileExtra) > 0 && !reflect.DeepEqual(extra, want.profileExtra) {
				t.Errorf("profileData extra attributes = %v, want %v", extra, want.profileExtra)
			}
		})
	}

	t.Run("re-encodes to the same document", func(t *testing.T) {
		b, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		assertSameJSON(t, []byte(auth0User), b)
	})
}

// format: email is mapped to string on purpose: Auth0 returns empty and
// unusual addresses, and a stricter type would fail the whole response.
func TestAuth0UserEmail(t *testing.T) {
	tests := []struct {
		name  string
		email string // the JSON value
		want  *string
	}{
		{"empty", `""`, ptr("")},
		{"null", `null`, nil},
		{"no domain", `"kim"`, ptr("kim")},
		{"plus, quote and punycode", `"kim.o'neil+test@xn--bcher-kva.example"`, ptr("kim.o'neil+test@xn--bcher-kva.example")},
		{"internationalised", `"用户@例子.广告"`, ptr("用户@例子.广告")},
		{"address literal", `"kim@[203.0.113.7]"`, ptr("kim@[203.0.113.7]")},
		{"display-name form", `"Kim Lee <kim@example.com>"`, ptr("Kim Lee <kim@example.com>")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"user_id": "sms|6543a1b2c3d4e5f6a7b8c9d0", "email": ` + tc.email + `, "email_verified": false, "identities": [{"connection": "sms", "user_id": "6543a1b2c3d4e5f6a7b8c9d0", "provider": "sms", "isSocial": false, "profileData": {"email": ` + tc.email + `}}]}`
			r, err := auth0.ParseGetUsersByIdResponse(jsonResponse(200, "application/json", body))
			if err != nil {
				t.Fatalf("ParseGetUsersByIdResponse: %v", err)
			}
			if r.JSON200 == nil {
				t.Fatal("JSON200 is nil")
			}
			if !reflect.DeepEqual(r.JSON200.Email, tc.want) {
				t.Errorf("email = %v, want %v", r.JSON200.Email, tc.want)
			}
			ids := deref(r.JSON200.Identities)
			if len(ids) != 1 || ids[0].ProfileData == nil || !reflect.DeepEqual(ids[0].ProfileData.Email, tc.want) {
				t.Errorf("identities[0].profileData.email did not decode to %v: %+v", tc.want, ids)
			}
			// The same user in a list (UserResponseSchema).
			l, err := auth0.ParseGetUsersResponse(jsonResponse(200, "application/json", "["+body+"]"))
			if err != nil {
				t.Fatalf("ParseGetUsersResponse: %v", err)
			}
			users, err := l.JSON200.AsListUsersResponseContent0()
			if err != nil || len(users) != 1 || !reflect.DeepEqual(users[0].Email, tc.want) {
				t.Errorf("in a list: %v, %v", users, err)
			}
		})
	}
}

const auth0ListUser1 = `{"user_id": "auth0|507f1f77bcf86cd799439020", "email": "kim.lee@example.com", "email_verified": true, "created_at": "2024-01-15T09:30:00.123Z", "identities": [{"connection": "Username-Password-Authentication", "user_id": "507f1f77bcf86cd799439020", "provider": "auth0", "isSocial": false}], "app_metadata": {}, "user_metadata": {}, "logins_count": 3}`
const auth0ListUser2 = `{"user_id": "google-oauth2|104857362910475839201", "email": "", "email_verified": false, "created_at": "2025-02-01T00:00:00.001Z", "identities": [{"connection": "google-oauth2", "user_id": "104857362910475839201", "provider": "google-oauth2", "isSocial": true}]}`

// GET /api/v2/users answers a bare array, or with include_totals=true an
// object with start, limit, length, total and users: the 200 response is the
// oneOf union ListUsersResponseContent.
func TestAuth0UserList(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		paged       bool
		wantIDs     []string
		wantTotals  [4]float64 // start, limit, length, total
		wantEmpties int        // users whose email is ""
	}{
		{
			name:    "array (include_totals=false)",
			body:    "[" + auth0ListUser1 + "," + auth0ListUser2 + "]",
			wantIDs: []string{"auth0|507f1f77bcf86cd799439020", "google-oauth2|104857362910475839201"}, wantEmpties: 1,
		},
		{
			name:    "empty array",
			body:    "[]",
			wantIDs: []string{},
		},
		{
			name:       "paged object (include_totals=true)",
			body:       `{"start": 0, "limit": 50, "length": 2, "total": 2, "users": [` + auth0ListUser1 + "," + auth0ListUser2 + `]}`,
			paged:      true,
			wantIDs:    []string{"auth0|507f1f77bcf86cd799439020", "google-oauth2|104857362910475839201"},
			wantTotals: [4]float64{0, 50, 2, 2}, wantEmpties: 1,
		},
		{
			name:       "paged object, second page",
			body:       `{"start": 50, "limit": 50, "length": 1, "total": 51, "users": [` + auth0ListUser2 + `]}`,
			paged:      true,
			wantIDs:    []string{"google-oauth2|104857362910475839201"},
			wantTotals: [4]float64{50, 50, 1, 51}, wantEmpties: 1,
		},
		{
			name:       "paged object, no users",
			body:       `{"start": 0, "limit": 50, "length": 0, "total": 0, "users": []}`,
			paged:      true,
			wantIDs:    []string{},
			wantTotals: [4]float64{0, 50, 0, 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := auth0.ParseGetUsersResponse(jsonResponse(200, "application/json; charset=utf-8", tc.body))
			if err != nil {
				t.Fatalf("ParseGetUsersResponse: %v", err)
			}
			if r.JSON200 == nil {
				t.Fatal("JSON200 is nil")
			}
			var users []auth0.UserResponseSchema
			arr, arrErr := r.JSON200.AsListUsersResponseContent0()
			page, pageErr := r.JSON200.AsListUsersOffsetPaginatedResponseContent()
			if tc.paged {
				if pageErr != nil {
					t.Fatalf("AsListUsersOffsetPaginatedResponseContent: %v", pageErr)
				}
				if arrErr == nil {
					t.Errorf("AsListUsersResponseContent0 on the paged object succeeded (%d users); callers could not tell the forms apart", len(arr))
				}
				// float64() keeps this independent of the generated number type.
				got := [4]float64{float64(deref(page.Start)), float64(deref(page.Limit)), float64(deref(page.Length)), float64(deref(page.Total))}
				if got != tc.wantTotals {
					t.Errorf("start, limit, length, total = %v, want %v", got, tc.wantTotals)
				}
				if page.Users == nil {
					t.Fatal("users is nil")
				}
				users = *page.Users
			} else {
				if arrErr != nil {
					t.Fatalf("AsListUsersResponseContent0: %v", arrErr)
				}
				if pageErr == nil {
					t.Errorf("AsListUsersOffsetPaginatedResponseContent on the array succeeded (%+v); callers could not tell the forms apart", page)
				}
				users = arr
			}
			ids := []string{}
			empties := 0
			for _, u := range users {
				ids = append(ids, deref(u.UserId))
				if u.Email != nil && *u.Email == "" {
					empties++
				}
				if u.CreatedAt == nil || u.CreatedAt.IsZero() || len(deref(u.Identities)) != 1 {
					t.Errorf("user %s: created_at %v, %d identities", deref(u.UserId), u.CreatedAt, len(deref(u.Identities)))
				}
			}
			if !reflect.DeepEqual(ids, tc.wantIDs) {
				t.Errorf("user ids = %q, want %q", ids, tc.wantIDs)
			}
			if empties != tc.wantEmpties {
				t.Errorf("%d users with an empty email, want %d", empties, tc.wantEmpties)
			}
			// The union re-encodes to the document it was read from.
			b, err := json.Marshal(r.JSON200)
			if err != nil {
				t.Fatal(err)
			}
			assertSameJSON(t, []byte(tc.body), b)
		})
	}
}

func TestAuth0Requests(t *testing.T) {
	const server = "https://kim-dev.eu.auth0.com/api/v2/"
	v3 := auth0.SearchEngineVersionsEnumV3
	runRequestCases(t, []requestCase{
		{
			name: "users page with totals",
			build: func() (*http.Request, error) {
				return auth0.NewGetUsersRequest(server, &auth0.GetUsersParams{Page: ptr(0), PerPage: ptr(50), IncludeTotals: ptr(true)})
			},
			method: http.MethodGet, path: "/api/v2/users",
			query: url.Values{"page": {"0"}, "per_page": {"50"}, "include_totals": {"true"}},
		},
		{
			name: "users search with a Lucene query",
			build: func() (*http.Request, error) {
				return auth0.NewGetUsersRequest(server, &auth0.GetUsersParams{
					Page: ptr(2), PerPage: ptr(100), IncludeTotals: ptr(false),
					Q: ptr(`email:"kim+test@example.com" AND app_metadata.plan:"pro"`), SearchEngine: &v3, Sort: ptr("created_at:-1"),
				})
			},
			method: http.MethodGet, path: "/api/v2/users",
			query: url.Values{
				"page": {"2"}, "per_page": {"100"}, "include_totals": {"false"},
				"q": {`email:"kim+test@example.com" AND app_metadata.plan:"pro"`}, "search_engine": {"v3"}, "sort": {"created_at:-1"},
			},
		},
		{
			name: "user by id keeps the pipe inside one path segment",
			build: func() (*http.Request, error) {
				return auth0.NewGetUsersByIdRequest(server, "auth0|507f1f77bcf86cd799439020", nil)
			},
			method: http.MethodGet, path: "/api/v2/users/auth0|507f1f77bcf86cd799439020",
			escapedPath: "/api/v2/users/auth0%7C507f1f77bcf86cd799439020",
		},
		{
			name: "user by id with fields",
			build: func() (*http.Request, error) {
				return auth0.NewGetUsersByIdRequest(server, "google-oauth2|104857362910475839201", &auth0.GetUsersByIdParams{Fields: ptr("user_id,email,identities"), IncludeFields: ptr(true)})
			},
			method: http.MethodGet, path: "/api/v2/users/google-oauth2|104857362910475839201",
			query: url.Values{"fields": {"user_id,email,identities"}, "include_fields": {"true"}},
		},
	})
}

// recordingDoer answers every request with one canned response and keeps
// the request.
type recordingDoer struct {
	status      int
	contentType string
	body        string
	got         *http.Request
}

func (d *recordingDoer) Do(req *http.Request) (*http.Response, error) {
	d.got = req
	return jsonResponse(d.status, d.contentType, d.body), nil
}

// Through the client: the base URL without a trailing slash keeps /api/v2,
// and the paged answer comes back typed.
func TestAuth0ClientGetUsers(t *testing.T) {
	doer := &recordingDoer{status: 200, contentType: "application/json", body: `{"start": 0, "limit": 50, "length": 1, "total": 1, "users": [` + auth0ListUser1 + `]}`}
	c, err := auth0.NewClientWithResponses("https://kim-dev.eu.auth0.com/api/v2", auth0.WithHTTPClient(doer))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.GetUsersWithResponse(context.Background(), &auth0.GetUsersParams{PerPage: ptr(50), IncludeTotals: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if doer.got == nil {
		t.Fatal("no request sent")
	}
	if doer.got.URL.Path != "/api/v2/users" || doer.got.URL.Query().Get("include_totals") != "true" || doer.got.URL.Query().Get("per_page") != "50" {
		t.Errorf("request URL = %v, want /api/v2/users?include_totals=true&per_page=50", doer.got.URL)
	}
	page, err := r.JSON200.AsListUsersOffsetPaginatedResponseContent()
	if err != nil {
		t.Fatal(err)
	}
	if deref(page.Total) != 1 || len(deref(page.Users)) != 1 || !strings.HasPrefix(deref(deref(page.Users)[0].UserId), "auth0|") {
		t.Errorf("page = %+v", page)
	}
}
