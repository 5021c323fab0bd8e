package asgardeotest_test

import (
	"net/http"
	"testing"

	"github.com/mgmtapi/mgmtapi/asgardeo"
	"github.com/mgmtapi/mgmtapi/asgardeo/applications"
	"github.com/mgmtapi/mgmtapi/asgardeo/asgardeotest"
	"github.com/mgmtapi/mgmtapi/asgardeo/users"
)

// TestConnectAndStore: asgardeo.Connect pointed at the kit reaches the
// SCIM Users API (kept by the store: what is created can be read back) and
// the Application Management API under the same organisation root.
func TestConnectAndStore(t *testing.T) {
	srv := asgardeotest.New(t, asgardeotest.WithOrg("acme"))
	conn, err := asgardeo.Connect(srv.Org(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	u := users.New(conn)
	created, err := u.CreateUser(t.Context(), nil, users.UserObject{
		Schemas: &[]string{"urn:ietf:params:scim:schemas:core:2.0:User"}, UserName: new("DEFAULT/kim@example.com"),
		Password: new("Passw0rd!-Passw0rd"),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := u.GetUser(t.Context(), *created.Id, nil)
	if err != nil || *got.UserName != "DEFAULT/kim@example.com" {
		t.Fatalf("read back %+v, %v", got, err)
	}
	srv.Fail("GET /applications", asgardeotest.Fault{Status: http.StatusTooManyRequests, Times: 1})
	if _, err := applications.New(conn).GetAllApplications(t.Context(), nil); err != nil {
		t.Fatalf("applications after a 429: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 4 || reqs[0].Path != "/t/acme/scim2/Users" || reqs[0].Operation != "createUser" ||
		reqs[3].Path != "/t/acme/api/server/v1/applications" {
		for _, r := range reqs {
			t.Logf("%s %s %s", r.Method, r.Path, r.Operation)
		}
		t.Fatalf("recorded %d requests", len(reqs))
	}
}
