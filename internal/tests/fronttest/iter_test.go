package fronttest

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi"
	"github.com/mgmtapi/mgmtapi/apierror"
	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/option"
)

const (
	umbracoID   = "umbraco-back-office-fronttest"
	umbracoPath = "/umbraco/management/api/v1/security/back-office/token"
	secret      = "fronttest-secret-0123456789abcdef"
	domain      = "tenant.example.com"
	org         = "acme"
	ttl         = 300 * time.Second
)

func umbracoAPI(t *testing.T, w *wire) *umbraco17.API {
	t.Helper()
	ts := tokens(t, umbracoPath, umbracoID, secret, testenv.AuthPost, testenv.TokenServerOptions{TTL: ttl})
	c, err := umbraco17.NewAPI(w.URL, umbracoID, secret, option.WithTokenURL(ts.TokenURL), option.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func auth0API(t *testing.T, w *wire) *auth0.API {
	t.Helper()
	ts := tokens(t, "/oauth/token", "fronttest-auth0", secret, testenv.AuthPost, testenv.TokenServerOptions{
		TTL: ttl, MapAudience: true, Resources: map[string]testenv.Resource{"https://" + domain + "/api/v2/": {TTL: ttl}},
	})
	c, err := auth0.NewAPI(domain, "fronttest-auth0", secret, option.WithBaseURL(w.URL), option.WithTokenURL(ts.TokenURL), option.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func asgardeoOpts(t *testing.T, w *wire, path string) []option.Option {
	t.Helper()
	ts := tokens(t, "/t/"+org+"/oauth2/token", "fronttest-asgardeo", secret, testenv.AuthBasic, testenv.TokenServerOptions{
		TTL: ttl, Scopes: []string{"internal_user_mgt_list", "internal_application_mgt_view"},
	})
	return []option.Option{option.WithBaseURL(w.URL + path), option.WithTokenURL(ts.TokenURL),
		option.WithScopes("internal_user_mgt_list", "internal_application_mgt_view"), option.WithoutRetry()}
}

// Umbraco skip/take: five users two at a time are three requests, none
// past the end, each authenticated.
func TestUmbracoSkipTake(t *testing.T) {
	names := []string{"ada", "alan", "grace", "ken", "rob"}
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		skip, _ := strconv.Atoi(r.URL.Query().Get("skip"))
		take, _ := strconv.Atoi(r.URL.Query().Get("take"))
		var items []map[string]any
		for _, n := range names[min(skip, len(names)):min(skip+take, len(names))] {
			items = append(items, map[string]any{"id": "00000000-0000-0000-0000-000000000001", "name": n, "email": n + "@example.com", "userName": n})
		}
		writeJSON(rw, 200, map[string]any{"total": len(names), "items": items})
	})
	c := umbracoAPI(t, w)
	var got []string
	for u, err := range c.GetUserAll(t.Context(), &umbraco17.GetUserParams{Take: new(int32(2))}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, u.Name)
	}
	equal(t, "names", got, names)
	equal(t, "requests", w.requests(), []string{
		"GET /umbraco/management/api/v1/user?skip=0&take=2",
		"GET /umbraco/management/api/v1/user?skip=2&take=2",
		"GET /umbraco/management/api/v1/user?skip=4&take=2",
	})
	w.checkBearer(t)
}

// Umbraco creates answer 201 with an empty body; the method returns the
// new id from Umb-Generated-Resource, else from Location.
func TestUmbracoCreateReturnsID(t *testing.T) {
	tests := []struct {
		name   string
		header map[string]string
		want   string
	}{
		{"generated resource", map[string]string{"Umb-Generated-Resource": "2d3c5b1e-0000-4000-8000-000000000001", "Location": "https://x/y/other"}, "2d3c5b1e-0000-4000-8000-000000000001"},
		{"location only", map[string]string{"Location": "https://example.com/umbraco/management/api/v1/data-type/2d3c5b1e-0000-4000-8000-000000000002"}, "2d3c5b1e-0000-4000-8000-000000000002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					rw.Header().Set(k, v)
				}
				rw.WriteHeader(201)
			})
			c := umbracoAPI(t, w)
			id, err := c.PostDataType(t.Context(), umbraco17.PostDataTypeJSONRequestBody{Name: "Text", EditorAlias: "Umbraco.TextBox", EditorUiAlias: "Umb.PropertyEditorUi.TextBox"})
			if err != nil {
				t.Fatal(err)
			}
			if id != tt.want {
				t.Errorf("id %q, want %q", id, tt.want)
			}
			equal(t, "requests", w.requests(), []string{"POST /umbraco/management/api/v1/data-type"})
		})
	}
}

// Query parameters reach the wire in the spec's order.
//
// Auth0 page/per_page with totals: page-based listing ends at 1,000 results;
// with more, the iterator stops there with ErrPageLimit instead of asking for
// a page Auth0 refuses.
func TestAuth0PageLimit(t *testing.T) {
	const total = 2500
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		users := make([]map[string]any, per)
		for i := range users {
			users[i] = map[string]any{"user_id": fmt.Sprintf("auth0|%d", page*per+i)}
		}
		writeJSON(rw, 200, map[string]any{"start": page * per, "limit": per, "length": per, "total": total, "users": users})
	})
	c := auth0API(t, w)
	n := 0
	var last error
	for u, err := range c.GetUsersAll(t.Context(), &auth0.GetUsersParams{PerPage: new(400), Q: new(`email:"*@example.com"`)}) {
		if err != nil {
			last = err
			break
		}
		if want := fmt.Sprintf("auth0|%d", n); mgmtapi.Val(u.UserId) != want {
			t.Fatalf("user %d is %q, want %q", n, mgmtapi.Val(u.UserId), want)
		}
		n++
	}
	if !errors.Is(last, mgmtapi.ErrPageLimit) {
		t.Fatalf("error %v, want ErrPageLimit", last)
	}
	if n != 800 {
		t.Errorf("%d users before the limit, want 800", n)
	}
	equal(t, "requests", w.requests(), []string{
		"GET /users?page=0&per_page=400&include_totals=true&q=email%3A%22%2A%40example.com%22",
		"GET /users?page=1&per_page=400&include_totals=true&q=email%3A%22%2A%40example.com%22",
	})
	w.checkBearer(t)
}

// Auth0 checkpoint paging: each page names the next; the iterator sends it
// back as from and stops when there is none. GET /clients also offers
// page/per_page, but the iterator takes the checkpoint path (no limit).
func TestAuth0Checkpoint(t *testing.T) {
	pages := map[string]struct {
		ids  []string
		next string
	}{
		"":   {[]string{"c1", "c2"}, "k1"},
		"k1": {[]string{"c3", "c4"}, "k2"},
		"k2": {[]string{"c5"}, ""},
	}
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		p := pages[r.URL.Query().Get("from")]
		var clients []map[string]any
		for _, id := range p.ids {
			clients = append(clients, map[string]any{"client_id": id})
		}
		body := map[string]any{"clients": clients}
		if p.next != "" {
			body["next"] = p.next
		}
		writeJSON(rw, 200, body)
	})
	c := auth0API(t, w)
	var got []string
	for app, err := range c.GetClientsAll(t.Context(), &auth0.GetClientsParams{Take: new(2), Page: new(7)}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, mgmtapi.Val(app.ClientId))
	}
	equal(t, "clients", got, []string{"c1", "c2", "c3", "c4", "c5"})
	equal(t, "requests", w.requests(), []string{
		"GET /clients?take=2",
		"GET /clients?from=k1&take=2",
		"GET /clients?from=k2&take=2",
	})
}

// Auth0 GET /users: the request decides the shape. Without totals the
// method returns the list; WithTotals the page and its total.
func TestAuth0UnionShapes(t *testing.T) {
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		users := []map[string]any{{"user_id": "auth0|1", "email": "a@example.com", "app_metadata": map[string]any{"plan": "pro"}}}
		if r.URL.Query().Get("include_totals") == "true" {
			writeJSON(rw, 200, map[string]any{"start": 0, "limit": 50, "length": 1, "total": 41, "users": users})
			return
		}
		writeJSON(rw, 200, users)
	})
	c := auth0API(t, w)
	list, err := c.GetUsers(t.Context(), &auth0.GetUsersParams{IncludeTotals: new(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || mgmtapi.Val(list[0].Email) != "a@example.com" {
		t.Errorf("list %+v", list)
	}
	page, err := c.GetUsersWithTotals(t.Context(), &auth0.GetUsersParams{PerPage: new(50)})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 41 || len(page.Items) != 1 || mgmtapi.Val(page.Items[0].AppMetadata)["plan"] != "pro" {
		t.Errorf("page %+v", page)
	}
	equal(t, "requests", w.requests(), []string{"GET /users", "GET /users?per_page=50&include_totals=true"})
}

// A 4xx is an *apierror.Error with Auth0's body parsed, never a nil error.
func TestAuth0ErrorIsTyped(t *testing.T) {
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		writeJSON(rw, 404, map[string]any{"statusCode": 404, "error": "Not Found", "message": "The user does not exist.", "errorCode": "inexistent_user"})
	})
	c := auth0API(t, w)
	_, err := c.GetUsersById(t.Context(), "auth0|nobody", nil)
	var ae *apierror.Error
	if !errors.As(err, &ae) || ae.StatusCode != 404 || ae.Code != "inexistent_user" {
		t.Fatalf("error %v (%T), want *apierror.Error 404 inexistent_user", err, err)
	}
	equal(t, "requests", w.requests(), []string{"GET /users/auth0%7Cnobody"})
}

// SCIM: startIndex/count; a server whose totalResults is too high returns
// an empty page; the iterator stops there, without error.
func TestSCIMStopsOnEmptyPage(t *testing.T) {
	users := []string{"kim", "kimberly", "kimi", "kimo"}
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
		count, _ := strconv.Atoi(r.URL.Query().Get("count"))
		var res []map[string]any
		for _, u := range users[min(start-1, len(users)):min(start-1+count, len(users))] {
			res = append(res, map[string]any{"id": u, "userName": u, "schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}})
		}
		writeJSON(rw, 200, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:ListResponse"},
			"totalResults": 10, "startIndex": start, "itemsPerPage": len(res), "Resources": res})
	})
	c, err := scimusers.NewAPI(org, "fronttest-asgardeo", secret, asgardeoOpts(t, w, "/t/"+org)...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []string
	for u, err := range c.ListUsersAll(t.Context(), &scimusers.ListUsersParams{Count: new(int32(3)), Filter: new(`userName sw "kim"`)}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, mgmtapi.Val(u.UserName))
	}
	equal(t, "users", got, users)
	equal(t, "requests", w.requests(), []string{
		"GET /t/acme/scim2/Users?filter=userName+sw+%22kim%22&startIndex=1&count=3",
		"GET /t/acme/scim2/Users?filter=userName+sw+%22kim%22&startIndex=4&count=3",
		"GET /t/acme/scim2/Users?filter=userName+sw+%22kim%22&startIndex=5&count=3",
	})
	w.checkBearer(t)
}

// Applications: offset/limit with totalResults.
func TestApplicationsOffsetLimit(t *testing.T) {
	apps := []string{"a", "b", "c"}
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var list []map[string]any
		for _, a := range apps[min(off, len(apps)):min(off+lim, len(apps))] {
			list = append(list, map[string]any{"id": a, "name": a})
		}
		writeJSON(rw, 200, map[string]any{"totalResults": len(apps), "startIndex": off + 1, "count": len(list), "applications": list})
	})
	c, err := applications.NewAPI(org, "fronttest-asgardeo", secret, asgardeoOpts(t, w, "/t/"+org)...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []string
	for a, err := range c.GetAllApplicationsAll(t.Context(), &applications.GetAllApplicationsParams{Limit: new(applications.LimitQueryParam(2))}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, mgmtapi.Val(a.Name))
	}
	equal(t, "apps", got, apps)
	equal(t, "requests", w.requests(), []string{
		"GET /t/acme/api/server/v1/applications?limit=2&offset=0",
		"GET /t/acme/api/server/v1/applications?limit=2&offset=2",
	})
}
