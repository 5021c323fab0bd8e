package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi"
	"github.com/mgmtapi/mgmtapi/asgardeo"
	"github.com/mgmtapi/mgmtapi/asgardeo/asgardeotest"
	"github.com/mgmtapi/mgmtapi/asgardeo/groups"
	"github.com/mgmtapi/mgmtapi/asgardeo/users"
	"github.com/mgmtapi/mgmtapi/scim"
)

// TestProvision runs the job twice against a fake organisation, as a
// user's CI would: the first run creates the user, adds them to the group
// and sends the leavers in one bulk request; the second finds the user and
// creates nothing. The organisation's store and the requests it received
// show what reached the wire.
func TestProvision(t *testing.T) {
	srv := asgardeotest.New(t, asgardeotest.WithOrg("acme"))
	conn, err := asgardeo.Connect(srv.Org(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	group, err := groups.New(conn).CreateGroup(t.Context(), nil, groups.CreateGroupJSONRequestBody{
		DisplayName: "staff", Schemas: []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var leavers []string
	for _, name := range []string{"DEFAULT/lee@example.com", "DEFAULT/max@example.com"} {
		u, err := users.New(conn).CreateUser(t.Context(), nil, users.UserObject{UserName: new(name), Password: new("Passw0rd!-Passw0rd")})
		if err != nil {
			t.Fatal(err)
		}
		leavers = append(leavers, mgmtapi.Val(u.Id))
	}
	seeded := len(srv.Requests())
	// The organisation's store keeps Users and Groups; Bulk is answered by a
	// typed handler that applies each deactivation through the store's own
	// PATCH and reports its status, as Asgardeo does.
	asgardeotest.Handle(srv, "POST /Bulk", func(r *asgardeotest.Request) (scim.BulkResponse, error) {
		req, err := asgardeotest.Decode[scim.BulkRequest](r)
		if err != nil {
			return scim.BulkResponse{}, asgardeotest.Error(http.StatusBadRequest, err.Error())
		}
		resp := scim.BulkResponse{Schemas: []string{scim.BulkResponseSchema}}
		for _, op := range req.Operations {
			id := strings.TrimPrefix(op.Path, "/Users/")
			_, err := users.New(conn).PatchUser(t.Context(), id, nil, must(scim.Patch{}.Replace(scim.AttrPath("active"), false).Request()))
			status := scim.BulkStatus(http.StatusOK)
			if err != nil {
				status = http.StatusNotFound
			}
			resp.Operations = append(resp.Operations, scim.BulkOperationResponse{Method: op.Method, Location: srv.URL() + "/scim2" + op.Path, Status: status})
		}
		return resp, nil
	})

	for k, v := range map[string]string{
		"ASGARDEO_ORG": srv.Org(), "ASGARDEO_CLIENT_ID": srv.ClientID(), "ASGARDEO_CLIENT_SECRET": srv.ClientSecret(),
		"ASGARDEO_BASE_URL": srv.URL(), "PROVISION_USER": "DEFAULT/kim@example.com",
		"PROVISION_GROUP": mgmtapi.Val(group.Id), "PROVISION_LEAVERS": strings.Join(leavers, ","),
	} {
		t.Setenv(k, v)
	}
	main()
	first := srv.Requests()[seeded:]
	main()
	second := srv.Requests()[seeded+len(first):]

	if got, want := ops(first), []string{"listUsers", "createUser", "patchGroup", "postBulk"}; !slices.Equal(got, want) {
		t.Errorf("first run sent %v, want %v", got, want)
	}
	if got, want := ops(second), []string{"listUsers", "patchGroup", "postBulk"}; !slices.Equal(got, want) {
		t.Errorf("second run sent %v, want %v (the user exists)", got, want)
	}
	if q := first[0].Query.Get("filter"); q != `userName eq "DEFAULT/kim@example.com"` {
		t.Errorf("filter on the wire %q", q)
	}
	// The user is a member of the group once, after both runs.
	g, err := groups.New(conn).GetGroup(t.Context(), mgmtapi.Val(group.Id), nil)
	if err != nil {
		t.Fatal(err)
	}
	var members []string
	for _, m := range mgmtapi.Val(g.Members) {
		members = append(members, m.Display)
	}
	if !slices.Equal(members, []string{"DEFAULT/kim@example.com"}) {
		t.Errorf("group members %v, want the provisioned user once", members)
	}
	// Both leavers are deactivated (through the handler, in the store).
	for _, id := range leavers {
		u, err := users.New(conn).GetUser(t.Context(), id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if u.Active == nil || *u.Active {
			t.Errorf("leaver %s active = %v, want false", mgmtapi.Val(u.UserName), u.Active)
		}
	}
	// One bulk request deactivating each leaver.
	bulkReq, err := asgardeotest.Decode[scim.BulkRequest](first[3])
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, op := range bulkReq.Operations {
		if op.Method != http.MethodPatch {
			t.Errorf("bulk operation %s %s, want PATCH", op.Method, op.Path)
		}
		paths = append(paths, op.Path)
	}
	if want := []string{"/Users/" + leavers[0], "/Users/" + leavers[1]}; !slices.Equal(paths, want) {
		t.Errorf("bulk paths %v, want %v", paths, want)
	}
}

// ops lists the operations of the job's requests, in order (without the
// PATCHes of users that the Bulk handler sends to apply the operations).
func ops(reqs []*asgardeotest.Request) []string {
	var out []string
	for _, r := range reqs {
		if r.Operation != "patchUser" {
			out = append(out, r.Operation)
		}
	}
	return out
}
