package scimtest

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	scimgroups "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimgroups"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/scim"
)

const (
	userSchema       = "urn:ietf:params:scim:schemas:core:2.0:User"
	enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	groupSchema      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	groupExtSchema   = "urn:mgmtapi:params:scim:schemas:extension:test:2.0:Group"
)

// TestLifecycle provisions users and groups the way a sync job does and
// checks each step on the wire, in the decoded response and in the values.
// The steps share the server's state, so the first failure stops the test.
func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testenv.SCIMServerOptions{MaxResults: 50})
	var kim, lee scimusers.UserResponseObject
	var eng scimgroups.GroupResponseObject
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	step("create a user without a password", func(t *testing.T) {
		body := scimusers.UserObject{
			Schemas:  &[]string{userSchema, enterpriseSchema},
			UserName: ptr("kim+scim@example.com"),
			Name:     &scimusers.Name{GivenName: ptr("Kim"), FamilyName: ptr("Berry")},
			Emails:   &[]scimusers.MultiValuedAttribute{{Value: "kim@example.com", Type: "work", Primary: true}, {Value: "kim@home.example", Type: "home"}},
			EnterpriseUser: &scimusers.EnterpriseUser{
				EmployeeNumber: ptr("701984"),
				Manager:        &scimusers.EnterpriseManager{Value: ptr("26118915")},
			},
		}
		r, err := e.users.CreateUserWithResponse(ctx, &scimusers.CreateUserParams{}, body)
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodPost, "/scim2/Users", http.StatusCreated)
		sameJSON(t, w.Body, `{"schemas":["`+userSchema+`","`+enterpriseSchema+`"],"userName":"kim+scim@example.com",
			"name":{"givenName":"Kim","familyName":"Berry"},
			"emails":[{"value":"kim@example.com","type":"work","primary":true},{"value":"kim@home.example","type":"home"}],
			"`+enterpriseSchema+`":{"employeeNumber":"701984","manager":{"value":"26118915"}}}`)
		if strings.Contains(w.Body, "password") {
			t.Errorf("a user without a password sent one: %s", w.Body)
		}
		if r.StatusCode() != http.StatusCreated || r.JSON201 == nil {
			t.Fatalf("status %d, body %s", r.StatusCode(), r.Body)
		}
		kim = *r.JSON201
		if deref(kim.Id) == "" || deref(kim.UserName) != "kim+scim@example.com" || deref(kim.Meta.Version) == "" {
			t.Errorf("created user: id %q userName %q version %q", deref(kim.Id), deref(kim.UserName), deref(kim.Meta.Version))
		}
		if got := deref(kim.EnterpriseUser.Manager.Value); got != "26118915" {
			t.Errorf("manager = %q", got)
		}
		if emails := deref(kim.Emails); len(emails) != 2 || emails[0].Value != "kim@example.com" || !emails[0].Primary {
			t.Errorf("emails = %+v", emails)
		}
	})

	step("create a user with a password and the WSO2 extension", func(t *testing.T) {
		body := scimusers.UserObject{
			Schemas:       &[]string{userSchema},
			UserName:      ptr("lee@example.com"),
			Password:      ptr("correct-Horse-battery-7"),
			WSO2Extension: &scimusers.WSO2UserExtension{AskPassword: ptr(false)},
		}
		r, err := e.users.CreateUserWithResponse(ctx, &scimusers.CreateUserParams{}, body)
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodPost, "/scim2/Users", http.StatusCreated)
		sameJSON(t, w.Body, `{"schemas":["`+userSchema+`"],"userName":"lee@example.com","password":"correct-Horse-battery-7","urn:scim:wso2:schema":{"askPassword":false}}`)
		if r.JSON201 == nil || deref(r.JSON201.UserName) != "lee@example.com" {
			t.Fatalf("status %d, body %s", r.StatusCode(), r.Body)
		}
		lee = *r.JSON201
	})

	step("a duplicate userName is a typed 409 uniqueness", func(t *testing.T) {
		r, err := e.users.CreateUserWithResponse(ctx, &scimusers.CreateUserParams{}, scimusers.UserObject{
			Schemas: &[]string{userSchema}, UserName: ptr("KIM+scim@example.com"),
		})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodPost, "/scim2/Users", http.StatusConflict)
		if r.JSON409 == nil || deref(r.JSON409.ScimType) != "uniqueness" || r.JSON409.Status != "409" {
			t.Fatalf("409 not decoded: status %d JSON409 %+v body %s", r.StatusCode(), r.JSON409, r.Body)
		}
	})

	step("read a user", func(t *testing.T) {
		r, err := e.users.GetUserWithResponse(ctx, deref(kim.Id), &scimusers.GetUserParams{})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodGet, "/scim2/Users/"+deref(kim.Id), http.StatusOK)
		if r.JSON200 == nil || deref(r.JSON200.Id) != deref(kim.Id) || deref(r.JSON200.Name.FamilyName) != "Berry" {
			t.Fatalf("status %d, body %s", r.StatusCode(), r.Body)
		}
	})

	step("a conditional read of an unchanged user is 304", func(t *testing.T) {
		r, err := e.users.GetUserWithResponse(ctx, deref(kim.Id), &scimusers.GetUserParams{IfNoneMatch: kim.Meta.Version})
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodGet, "/scim2/Users/"+deref(kim.Id), http.StatusNotModified)
		if w.IfNoneMatch != deref(kim.Meta.Version) {
			t.Errorf("If-None-Match on the wire = %q, want %q", w.IfNoneMatch, deref(kim.Meta.Version))
		}
		if r.StatusCode() != http.StatusNotModified || r.JSON200 != nil {
			t.Errorf("status %d, JSON200 %v", r.StatusCode(), r.JSON200)
		}
	})

	step("filter with the builder; + reaches the server as %2B", func(t *testing.T) {
		f, err := scim.Eq("userName", "kim+scim@example.com").Build()
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.users.ListUsersWithResponse(ctx, &scimusers.ListUsersParams{Filter: &f})
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodGet, "/scim2/Users", http.StatusOK)
		if !strings.Contains(w.Query, "kim%2Bscim%40example.com") {
			t.Errorf("query on the wire = %s", w.Query)
		}
		if got := query(t, w).Get("filter"); got != `userName eq "kim+scim@example.com"` {
			t.Errorf("filter the server decoded = %s", got)
		}
		if r.JSON200 == nil || deref(r.JSON200.TotalResults) != 1 || len(deref(r.JSON200.Resources)) != 1 ||
			deref(deref(r.JSON200.Resources)[0].Id) != deref(kim.Id) {
			t.Fatalf("status %d, body %s", r.StatusCode(), r.Body)
		}
	})

	step("a value filter on a multi-valued attribute", func(t *testing.T) {
		f := scim.ValueFilter("emails", scim.And(scim.Eq("type", "home"), scim.Ew("value", "@home.example"))).String()
		r, err := e.users.ListUsersWithResponse(ctx, &scimusers.ListUsersParams{Filter: &f})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodGet, "/scim2/Users", http.StatusOK)
		if r.JSON200 == nil || deref(r.JSON200.TotalResults) != 1 || deref(deref(r.JSON200.Resources)[0].Id) != deref(kim.Id) {
			t.Fatalf("status %d, body %s", r.StatusCode(), r.Body)
		}
	})

	step("an invalid filter is a typed 400 invalidFilter", func(t *testing.T) {
		r, err := e.users.ListUsersWithResponse(ctx, &scimusers.ListUsersParams{Filter: ptr(`userName eq`)})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodGet, "/scim2/Users", http.StatusBadRequest)
		if r.JSON400 == nil || deref(r.JSON400.ScimType) != "invalidFilter" {
			t.Fatalf("400 not decoded: status %d body %s", r.StatusCode(), r.Body)
		}
	})

	step("page through users with scim.List", func(t *testing.T) {
		for _, name := range []string{"ann@example.com", "bob@example.com", "cy@example.com"} {
			r, err := e.users.CreateUserWithResponse(ctx, &scimusers.CreateUserParams{}, scimusers.UserObject{Schemas: &[]string{userSchema}, UserName: ptr(name)})
			if err != nil || r.JSON201 == nil {
				t.Fatalf("create %s: %v %s", name, err, r.Body)
			}
		}
		e.wire(t)
		var names []string
		for u, err := range scim.List(ctx, 2, func(ctx context.Context, start, count int) ([]scimusers.UserResponseObject, int, error) {
			r, err := e.users.ListUsersWithResponse(ctx, &scimusers.ListUsersParams{StartIndex: ptr(int32(start)), Count: ptr(int32(count))})
			if err != nil {
				return nil, 0, err
			}
			return deref(r.JSON200.Resources), deref(r.JSON200.TotalResults), nil
		}) {
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, deref(u.UserName))
		}
		want := []string{"kim+scim@example.com", "lee@example.com", "ann@example.com", "bob@example.com", "cy@example.com"}
		if !slices.Equal(names, want) {
			t.Errorf("users = %v, want %v", names, want)
		}
		var starts []string
		for _, w := range e.wire(t) {
			starts = append(starts, query(t, w).Get("startIndex")+"/"+query(t, w).Get("count"))
		}
		if !slices.Equal(starts, []string{"1/2", "3/2", "5/2"}) {
			t.Errorf("startIndex/count on the wire = %v", starts)
		}
	})

	step("sortBy and sortOrder on a list", func(t *testing.T) {
		desc := scimusers.Descending
		r, err := e.users.ListUsersWithResponse(ctx, &scimusers.ListUsersParams{SortBy: ptr("userName"), SortOrder: &desc, Count: ptr(int32(3))})
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodGet, "/scim2/Users", http.StatusOK)
		if q := query(t, w); q.Get("sortBy") != "userName" || q.Get("sortOrder") != "descending" {
			t.Errorf("query on the wire = %s", w.Query)
		}
		var got []string
		for _, u := range deref(r.JSON200.Resources) {
			got = append(got, deref(u.UserName))
		}
		if want := []string{"lee@example.com", "kim+scim@example.com", "cy@example.com"}; !slices.Equal(got, want) {
			t.Errorf("sorted = %v, want %v", got, want)
		}
	})

	step("search users with sort, count and excludedAttributes", func(t *testing.T) {
		asc := scimusers.Ascending
		r, err := e.users.SearchUsersWithResponse(ctx, scimusers.UserSearchRequestObject{
			Schemas:            &[]string{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"},
			Filter:             ptr(scim.Ew("userName", "@example.com").String()),
			SortBy:             ptr("userName"),
			SortOrder:          &asc,
			Count:              ptr(int32(2)),
			ExcludedAttributes: &[]string{"emails"},
		})
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodPost, "/scim2/Users/.search", http.StatusOK)
		sameJSON(t, w.Body, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName ew \"@example.com\"",
			"sortBy":"userName","sortOrder":"ascending","count":2,"excludedAttributes":["emails"]}`)
		var got []string
		for _, u := range deref(r.JSON200.Resources) {
			got = append(got, deref(u.UserName))
		}
		if want := []string{"ann@example.com", "bob@example.com"}; !slices.Equal(got, want) || deref(r.JSON200.TotalResults) != 5 {
			t.Errorf("search = %v of %d, want %v of 5", got, deref(r.JSON200.TotalResults), want)
		}
	})

	step("replace a user with If-Match", func(t *testing.T) {
		body := scimusers.UserUpdateObject{
			Schemas:     &[]string{userSchema},
			UserName:    kim.UserName,
			DisplayName: ptr("Kim Berry"),
			Name:        kim.Name,
			Emails:      kim.Emails,
		}
		r, err := e.users.UpdateUserWithResponse(ctx, deref(kim.Id), &scimusers.UpdateUserParams{IfMatch: kim.Meta.Version}, body)
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodPut, "/scim2/Users/"+deref(kim.Id), http.StatusOK)
		if w.IfMatch != deref(kim.Meta.Version) {
			t.Errorf("If-Match on the wire = %q", w.IfMatch)
		}
		sameJSON(t, w.Body, `{"schemas":["`+userSchema+`"],"userName":"kim+scim@example.com","displayName":"Kim Berry",
			"name":{"givenName":"Kim","familyName":"Berry"},
			"emails":[{"value":"kim@example.com","type":"work","primary":true},{"value":"kim@home.example","type":"home"}]}`)
		if r.JSON200 == nil || deref(r.JSON200.DisplayName) != "Kim Berry" || deref(r.JSON200.Meta.Version) == deref(kim.Meta.Version) {
			t.Fatalf("status %d, body %s", r.StatusCode(), r.Body)
		}
		if r.JSON200.EnterpriseUser != nil {
			t.Errorf("PUT replaces all attributes, the enterprise extension stayed: %+v", r.JSON200.EnterpriseUser)
		}
		kim = *r.JSON200
	})

	step("a stale If-Match is a typed 412", func(t *testing.T) {
		r, err := e.users.UpdateUserWithResponse(ctx, deref(kim.Id), &scimusers.UpdateUserParams{IfMatch: ptr(`W/"1"`)},
			scimusers.UserUpdateObject{Schemas: &[]string{userSchema}, UserName: kim.UserName})
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodPut, "/scim2/Users/"+deref(kim.Id), http.StatusPreconditionFailed)
		if w.IfMatch != `W/"1"` {
			t.Errorf("If-Match on the wire = %q", w.IfMatch)
		}
		if r.JSON412 == nil || r.JSON412.Status != "412" {
			t.Fatalf("412 not decoded: status %d body %s", r.StatusCode(), r.Body)
		}
	})

	step("patch a user with the builder", func(t *testing.T) {
		p, err := scim.Patch{}.
			Replace(scim.AttrPath("name.givenName"), "Kimberly").
			Add(scim.AttrPath("emails"), []scim.Value{{Value: "kim@other.example", Type: "other"}}).
			Remove(scim.ValuePath("emails", scim.Eq("type", "home"))).
			Replace(scim.AttrPath("active"), true).
			Request()
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.users.PatchUserWithResponse(ctx, deref(kim.Id), &scimusers.PatchUserParams{IfMatch: kim.Meta.Version}, p)
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodPatch, "/scim2/Users/"+deref(kim.Id), http.StatusOK)
		sameJSON(t, w.Body, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
			{"op":"replace","path":"name.givenName","value":"Kimberly"},
			{"op":"add","path":"emails","value":[{"value":"kim@other.example","type":"other"}]},
			{"op":"remove","path":"emails[type eq \"home\"]"},
			{"op":"replace","path":"active","value":true}]}`)
		if r.JSON200 == nil {
			t.Fatalf("status %d, body %s", r.StatusCode(), r.Body)
		}
		u := r.JSON200
		var emails []string
		for _, m := range deref(u.Emails) {
			emails = append(emails, m.Type+":"+m.Value)
		}
		if deref(u.Name.GivenName) != "Kimberly" || !deref(u.Active) || !slices.Equal(emails, []string{"work:kim@example.com", "other:kim@other.example"}) {
			t.Errorf("patched: givenName %q active %v emails %v", deref(u.Name.GivenName), deref(u.Active), emails)
		}
		kim = *u
	})

	// A PATCH 400 decodes into the typed ScimError (issue 18: the specs
	// declared no 400 on PATCH).
	step("a PATCH path filter that matches nothing is 400 noTarget", func(t *testing.T) {
		p, _ := scim.Patch{}.Remove(scim.ValuePath("emails", scim.Eq("type", "fax"))).Request()
		r, err := e.users.PatchUserWithResponse(ctx, deref(kim.Id), &scimusers.PatchUserParams{}, p)
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodPatch, "/scim2/Users/"+deref(kim.Id), http.StatusBadRequest)
		if r.StatusCode() != http.StatusBadRequest || !strings.Contains(string(r.Body), `"noTarget"`) {
			t.Errorf("status %d body %s", r.StatusCode(), r.Body)
		}
		if r.JSON400 == nil || deref(r.JSON400.ScimType) != "noTarget" || r.JSON400.Status != "400" {
			t.Errorf("400 not decoded into ScimError: JSON400 %+v, body %s", r.JSON400, r.Body)
		}
	})

	step("create a group with members and externalId", func(t *testing.T) {
		body := scimgroups.GroupRequestObject{
			Schemas:     []string{groupSchema},
			DisplayName: "engineering",
			ExternalId:  ptr("ext-eng-1"),
			Members:     &[]scimgroups.MultiValuedAttribute{{Value: deref(kim.Id)}},
		}
		body.Set(groupExtSchema, map[string]any{"costCenter": "CC-42"})
		r, err := e.groups.CreateGroupWithResponse(ctx, &scimgroups.CreateGroupParams{}, body)
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodPost, "/scim2/Groups", http.StatusCreated)
		sameJSON(t, w.Body, `{"schemas":["`+groupSchema+`"],"displayName":"engineering","externalId":"ext-eng-1",
			"members":[{"value":"`+deref(kim.Id)+`"}],"`+groupExtSchema+`":{"costCenter":"CC-42"}}`)
		if r.JSON201 == nil || r.JSON201.DisplayName == nil || *r.JSON201.DisplayName != "engineering" || deref(r.JSON201.ExternalId) != "ext-eng-1" {
			t.Fatalf("status %d, body %s", r.StatusCode(), r.Body)
		}
		if ext, ok := r.JSON201.Get(groupExtSchema); !ok || ext.(map[string]any)["costCenter"] != "CC-42" {
			t.Errorf("unknown attribute dropped on decode: %v %v", ext, ok)
		}
		eng = *r.JSON201
	})

	step("a duplicate group is a typed 409 with scimType", func(t *testing.T) {
		r, err := e.groups.CreateGroupWithResponse(ctx, &scimgroups.CreateGroupParams{},
			scimgroups.GroupRequestObject{Schemas: []string{groupSchema}, DisplayName: "Engineering"})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodPost, "/scim2/Groups", http.StatusConflict)
		if r.JSON409 == nil || deref(r.JSON409.ScimType) != "uniqueness" {
			t.Fatalf("409 not decoded: status %d body %s", r.StatusCode(), r.Body)
		}
	})

	step("a member's groups attribute shows the group", func(t *testing.T) {
		r, err := e.users.GetUserWithResponse(ctx, deref(kim.Id), &scimusers.GetUserParams{})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodGet, "/scim2/Users/"+deref(kim.Id), http.StatusOK)
		g := deref(r.JSON200.Groups)
		if len(g) != 1 || g[0].Value != deref(eng.Id) || g[0].Display != "engineering" {
			t.Errorf("groups = %+v", g)
		}
	})

	step("patch group membership: add one, remove one by value filter", func(t *testing.T) {
		p := scim.Patch{}.
			Add(scim.AttrPath("members"), []scim.Value{{Value: deref(lee.Id)}}).
			Remove(scim.ValuePath("members", scim.Eq("value", deref(kim.Id))))
		if err := p.CheckSimpleFilters(); err != nil {
			t.Fatal(err)
		}
		body, err := p.Request()
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.groups.PatchGroupWithResponse(ctx, deref(eng.Id), &scimgroups.PatchGroupParams{}, body)
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodPatch, "/scim2/Groups/"+deref(eng.Id), http.StatusOK)
		sameJSON(t, w.Body, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
			{"op":"add","path":"members","value":[{"value":"`+deref(lee.Id)+`"}]},
			{"op":"remove","path":"members[value eq \"`+deref(kim.Id)+`\"]"}]}`)
		m := deref(r.JSON200.Members)
		if len(m) != 1 || m[0].Value != deref(lee.Id) {
			t.Errorf("members = %+v", m)
		}
		eng.Meta.Version = r.JSON200.Meta.Version
	})

	step("replace a group keeping schemas and unknown attributes", func(t *testing.T) {
		got, err := e.groups.GetGroupWithResponse(ctx, deref(eng.Id), &scimgroups.GetGroupParams{})
		if err != nil || got.JSON200 == nil {
			t.Fatalf("get: %v %s", err, got.Body)
		}
		e.one(t, http.MethodGet, "/scim2/Groups/"+deref(eng.Id), http.StatusOK)
		g := got.JSON200
		body := scimgroups.GroupPutRequestObject{
			Schemas:              deref(g.Schemas),
			DisplayName:          ptr("platform-engineering"),
			ExternalId:           g.ExternalId,
			Members:              g.Members,
			AdditionalProperties: g.AdditionalProperties,
		}
		r, err := e.groups.UpdateGroupWithResponse(ctx, deref(eng.Id), &scimgroups.UpdateGroupParams{IfMatch: g.Meta.Version}, body)
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodPut, "/scim2/Groups/"+deref(eng.Id), http.StatusOK)
		sameJSON(t, w.Body, `{"schemas":["`+groupSchema+`","`+groupExtSchema+`"],"displayName":"platform-engineering","externalId":"ext-eng-1",
			"members":[{"value":"`+deref(lee.Id)+`"}],"`+groupExtSchema+`":{"costCenter":"CC-42"}}`)
		if r.JSON200 == nil || deref(r.JSON200.DisplayName) != "platform-engineering" || deref(r.JSON200.ExternalId) != "ext-eng-1" {
			t.Fatalf("status %d, body %s", r.StatusCode(), r.Body)
		}
		if ext, ok := r.JSON200.Get(groupExtSchema); !ok || ext.(map[string]any)["costCenter"] != "CC-42" {
			t.Errorf("unknown attribute lost in the round trip: %v", ext)
		}
	})

	step("a group PUT without schemas is 400 invalidSyntax", func(t *testing.T) {
		r, err := e.groups.UpdateGroupWithResponse(ctx, deref(eng.Id), &scimgroups.UpdateGroupParams{},
			scimgroups.GroupPutRequestObject{DisplayName: ptr("x")})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodPut, "/scim2/Groups/"+deref(eng.Id), http.StatusBadRequest)
		if r.JSON400 == nil || deref(r.JSON400.ScimType) != "invalidSyntax" {
			t.Fatalf("status %d body %s", r.StatusCode(), r.Body)
		}
	})

	step("search groups with attributes, count and sort", func(t *testing.T) {
		if r, err := e.groups.CreateGroupWithResponse(ctx, &scimgroups.CreateGroupParams{},
			scimgroups.GroupRequestObject{Schemas: []string{groupSchema}, DisplayName: "admins"}); err != nil || r.JSON201 == nil {
			t.Fatalf("create: %v", err)
		}
		e.wire(t)
		desc := scimgroups.Descending
		r, err := e.groups.SearchGroupsWithResponse(ctx, scimgroups.GroupSearchRequestObject{
			Schemas:    &[]string{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"},
			Attributes: &[]string{"displayName"},
			Count:      ptr(int32(1)),
			SortBy:     ptr("displayName"),
			SortOrder:  &desc,
		})
		if err != nil {
			t.Fatal(err)
		}
		w := e.one(t, http.MethodPost, "/scim2/Groups/.search", http.StatusOK)
		sameJSON(t, w.Body, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"attributes":["displayName"],"count":1,"sortBy":"displayName","sortOrder":"descending"}`)
		res := deref(r.JSON200.Resources)
		if len(res) != 1 || deref(res[0].DisplayName) != "platform-engineering" || deref(r.JSON200.TotalResults) != 2 {
			t.Errorf("search = %s", r.Body)
		}
	})

	step("a stale If-Match on delete is 412; delete; read is 404", func(t *testing.T) {
		r, err := e.users.DeleteUserWithResponse(ctx, deref(lee.Id), &scimusers.DeleteUserParams{IfMatch: ptr(`W/"0"`)})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodDelete, "/scim2/Users/"+deref(lee.Id), http.StatusPreconditionFailed)
		if r.JSON412 == nil {
			t.Fatalf("412 not decoded: status %d body %s", r.StatusCode(), r.Body)
		}
		d, err := e.users.DeleteUserWithResponse(ctx, deref(lee.Id), &scimusers.DeleteUserParams{IfMatch: lee.Meta.Version})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodDelete, "/scim2/Users/"+deref(lee.Id), http.StatusNoContent)
		if d.StatusCode() != http.StatusNoContent {
			t.Fatalf("delete status %d", d.StatusCode())
		}
		g, err := e.users.GetUserWithResponse(ctx, deref(lee.Id), &scimusers.GetUserParams{})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodGet, "/scim2/Users/"+deref(lee.Id), http.StatusNotFound)
		if g.JSON404 == nil || g.JSON404.Status != "404" {
			t.Fatalf("404 not decoded: status %d body %s", g.StatusCode(), g.Body)
		}
	})

	step("delete a group", func(t *testing.T) {
		r, err := e.groups.DeleteGroupWithResponse(ctx, deref(eng.Id), &scimgroups.DeleteGroupParams{})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodDelete, "/scim2/Groups/"+deref(eng.Id), http.StatusNoContent)
		if r.StatusCode() != http.StatusNoContent {
			t.Fatalf("status %d", r.StatusCode())
		}
		g, err := e.groups.GetGroupWithResponse(ctx, deref(eng.Id), &scimgroups.GetGroupParams{})
		if err != nil {
			t.Fatal(err)
		}
		e.one(t, http.MethodGet, "/scim2/Groups/"+deref(eng.Id), http.StatusNotFound)
		if g.JSON404 == nil {
			t.Fatalf("404 not decoded: status %d body %s", g.StatusCode(), g.Body)
		}
	})
}

// TestListStopsWhenTotalResultsLies runs against a server whose
// totalResults of filtered lists is 50 too high, as Asgardeo's is under some
// filters: scim.List ends on the first empty page.
func TestListStopsWhenTotalResultsLies(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testenv.SCIMServerOptions{TotalResultsOffset: 50})
	for _, name := range []string{"a1@example.com", "a2@example.com", "a3@example.com", "b@example.com"} {
		if r, err := e.users.CreateUserWithResponse(ctx, &scimusers.CreateUserParams{}, scimusers.UserObject{Schemas: &[]string{userSchema}, UserName: ptr(name)}); err != nil || r.JSON201 == nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	e.wire(t)
	f := scim.Sw("userName", "a").String()
	var got []string
	for u, err := range scim.List(ctx, 2, func(ctx context.Context, start, count int) ([]scimusers.UserResponseObject, int, error) {
		r, err := e.users.ListUsersWithResponse(ctx, &scimusers.ListUsersParams{Filter: &f, StartIndex: ptr(int32(start)), Count: ptr(int32(count))})
		if err != nil {
			return nil, 0, err
		}
		if r.JSON200 == nil {
			t.Fatalf("status %d body %s", r.StatusCode(), r.Body)
		}
		return deref(r.JSON200.Resources), deref(r.JSON200.TotalResults), nil
	}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, deref(u.UserName))
	}
	if want := []string{"a1@example.com", "a2@example.com", "a3@example.com"}; !slices.Equal(got, want) {
		t.Errorf("users = %v, want %v", got, want)
	}
	var starts []string
	for _, w := range e.wire(t) {
		starts = append(starts, query(t, w).Get("startIndex"))
	}
	if !slices.Equal(starts, []string{"1", "3", "4"}) {
		t.Errorf("startIndex on the wire = %v, want [1 3 4] (the last page is empty)", starts)
	}
}
