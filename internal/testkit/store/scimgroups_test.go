package store

import (
	"slices"
	"testing"
)

func group(name string, members ...string) map[string]any {
	ms := []any{}
	for _, m := range members {
		ms = append(ms, map[string]any{"value": m})
	}
	return map[string]any{"schemas": []string{groupSchema}, "displayName": name, "members": ms}
}

func memberIDs(t *testing.T, g map[string]any) []string {
	t.Helper()
	var out []string
	list, _ := g["members"].([]any)
	for _, m := range list {
		out = append(out, get(m, "value").(string))
	}
	return out
}

func TestSCIMGroups(t *testing.T) {
	s := NewSCIM()
	users := scimAPI(t, s, "scimusers")
	groups := scimAPI(t, s, "scimgroups")
	alice := users.do("POST", "/Users", user("alice", nil)).want(t, 201).obj(t)["id"].(string)
	bob := users.do("POST", "/Users", user("bob", nil)).want(t, 201).obj(t)["id"].(string)
	carol := users.do("POST", "/Users", user("carol", nil)).want(t, 201).obj(t)["id"].(string)

	g := groups.do("POST", "/Groups", group("admins", alice, bob, alice)).want(t, 201).obj(t)
	gid := g["id"].(string)
	if !slices.Equal(memberIDs(t, g), []string{alice, bob}) {
		t.Fatalf("members %v (duplicates must collapse)", g["members"])
	}
	if get(g, "members", 0, "display") != "alice" || get(g, "members", 0, "$ref") != "https://api.asgardeo.io/t/acme/scim2/Users/"+alice {
		t.Fatalf("member display/$ref: %v", g["members"])
	}
	if get(g, "meta", "resourceType") != "Group" || get(g, "meta", "location") != "https://api.asgardeo.io/t/acme/scim2/Groups/"+gid {
		t.Fatalf("meta %v", g["meta"])
	}
	wantSCIMError(t, groups.do("POST", "/Groups", group("ADMINS")), 409, "uniqueness")
	wantSCIMError(t, groups.do("POST", "/Groups", group("x", "no-such-user")), 404, "")

	// A user's groups attribute follows the memberships.
	if u := users.do("GET", "/Users/"+alice, nil).want(t, 200).obj(t); get(u, "groups", 0, "value") != gid || get(u, "groups", 0, "display") != "admins" {
		t.Fatalf("user groups: %v", u["groups"])
	}
	if u := users.do("GET", "/Users"+q("filter", `groups.value eq "`+gid+`"`), nil).want(t, 200).obj(t); u["totalResults"] != float64(2) {
		t.Fatalf("filter by group: %v", u["totalResults"])
	}

	// PATCH add and remove members.
	g = groups.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": carol}}))).want(t, 200).obj(t)
	if !slices.Equal(memberIDs(t, g), []string{alice, bob, carol}) {
		t.Fatalf("after add: %v", g["members"])
	}
	g = groups.do("PATCH", "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+bob+`"]`, nil))).want(t, 200).obj(t)
	if !slices.Equal(memberIDs(t, g), []string{alice, carol}) {
		t.Fatalf("after remove by filter: %v", g["members"])
	}
	// Azure AD's form: remove with a value list.
	g = groups.do("PATCH", "/Groups/"+gid, patchBody(op("remove", "members", []any{map[string]any{"value": carol}}))).want(t, 200).obj(t)
	if !slices.Equal(memberIDs(t, g), []string{alice}) {
		t.Fatalf("after remove by value: %v", g["members"])
	}
	g = groups.do("PATCH", "/Groups/"+gid, patchBody(op("replace", "displayName", "ops"))).want(t, 200).obj(t)
	if g["displayName"] != "ops" {
		t.Fatalf("rename: %v", g)
	}
	wantSCIMError(t, groups.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": "ghost"}}))), 404, "")

	// Filters on groups.
	if l := groups.do("GET", "/Groups"+q("filter", `members[value eq "`+alice+`"]`), nil).want(t, 200).obj(t); l["totalResults"] != float64(1) {
		t.Fatalf("group filter: %v", l)
	}
	if l := groups.do("GET", "/Groups"+q("filter", `displayName eq "admins"`), nil).want(t, 200).obj(t); l["totalResults"] != float64(0) {
		t.Fatalf("old name still matches: %v", l)
	}
	if l := groups.do("POST", "/Groups/.search", map[string]any{"filter": `displayName sw "o"`}).want(t, 200).obj(t); l["totalResults"] != float64(1) {
		t.Fatalf("group search: %v", l)
	}

	// PUT replaces the members.
	g = groups.do("PUT", "/Groups/"+gid, group("ops", bob)).want(t, 200).obj(t)
	if !slices.Equal(memberIDs(t, g), []string{bob}) {
		t.Fatalf("after put: %v", g["members"])
	}

	// Deleting a user removes it from its groups.
	users.do("DELETE", "/Users/"+bob, nil).want(t, 204)
	g = groups.do("GET", "/Groups/"+gid, nil).want(t, 200).obj(t)
	if len(memberIDs(t, g)) != 0 {
		t.Fatalf("deleted user still a member: %v", g["members"])
	}
	groups.do("DELETE", "/Groups/"+gid, nil).want(t, 204)
	wantSCIMError(t, groups.do("GET", "/Groups/"+gid, nil), 404, "")
	if u := users.do("GET", "/Users/"+alice, nil).want(t, 200).obj(t); u["groups"] != nil {
		t.Fatalf("deleted group still listed: %v", u["groups"])
	}
}
