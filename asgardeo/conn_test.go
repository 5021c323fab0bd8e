package asgardeo_test

import (
	"testing"

	"github.com/mgmtapi/mgmtapi/asgardeo"
	"github.com/mgmtapi/mgmtapi/asgardeo/applications"
	"github.com/mgmtapi/mgmtapi/asgardeo/asgardeotest"
	"github.com/mgmtapi/mgmtapi/asgardeo/bulk"
	"github.com/mgmtapi/mgmtapi/asgardeo/groups"
	"github.com/mgmtapi/mgmtapi/asgardeo/me"
	"github.com/mgmtapi/mgmtapi/asgardeo/resourcetypes"
	"github.com/mgmtapi/mgmtapi/asgardeo/roles"
	"github.com/mgmtapi/mgmtapi/asgardeo/schemas"
	"github.com/mgmtapi/mgmtapi/asgardeo/spconfig"
	"github.com/mgmtapi/mgmtapi/asgardeo/users"
	"github.com/mgmtapi/mgmtapi/option"
)

// One connection reaches every Asgardeo API: each package puts its own path
// under the organisation root, for Asgardeo and for a self-hosted server
// given with option.WithBaseURL.
func TestEveryAPIUnderTheOrganisationRoot(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []option.Option
		root string
	}{
		{"asgardeo", nil, "https://api.asgardeo.io/t/acme"},
		{"self-hosted", []option.Option{option.WithBaseURL("https://is.example.com/t/carbon.super"), option.WithTokenURL("https://is.example.com/oauth2/token")},
			"https://is.example.com/t/carbon.super"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := asgardeo.Connect("acme", "id", "secret", tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if conn.BaseURL() != tc.root {
				t.Errorf("BaseURL() = %q, want %q", conn.BaseURL(), tc.root)
			}
			type raw struct {
				server string
				doer   any
			}
			for name, c := range map[string]raw{
				"users":         {users.New(conn).Client().Server, users.New(conn).Client().Client},
				"groups":        {groups.New(conn).Client().Server, groups.New(conn).Client().Client},
				"roles":         {roles.New(conn).Client().Server, roles.New(conn).Client().Client},
				"bulk":          {bulk.New(conn).Client().Server, bulk.New(conn).Client().Client},
				"me":            {me.New(conn).Client().Server, me.New(conn).Client().Client},
				"schemas":       {schemas.New(conn).Client().Server, schemas.New(conn).Client().Client},
				"resourcetypes": {resourcetypes.New(conn).Client().Server, resourcetypes.New(conn).Client().Client},
				"spconfig":      {spconfig.New(conn).Client().Server, spconfig.New(conn).Client().Client},
				"applications":  {applications.New(conn).Client().Server, applications.New(conn).Client().Client},
			} {
				got := c.server
				want := tc.root + "/scim2/"
				switch name {
				case "roles":
					want = tc.root + "/scim2/v2/"
				case "applications":
					want = tc.root + "/api/server/v1/"
				}
				if got != want {
					t.Errorf("%s: server %q, want %q", name, got, want)
				}
				// One token and one retry stack: every API sends through the
				// connection's client.
				if c.doer != any(conn.HTTPClient()) {
					t.Errorf("%s sends through its own client, not the connection's", name)
				}
			}
		})
	}
}

// With only option.WithBaseURL, the token comes from that server's tenant
// token endpoint (<root>/oauth2/token), not from api.asgardeo.io: the
// fake organisation issues it and answers the call.
func TestBaseURLAloneTakesTheTenantTokenEndpoint(t *testing.T) {
	srv := asgardeotest.New(t, asgardeotest.WithOrg("acme"))
	conn, err := asgardeo.Connect("acme", srv.ClientID(), srv.ClientSecret(), option.WithBaseURL(srv.URL()+"/"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := users.New(conn).ListUsers(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if n := srv.TokensIssued(); n != 1 {
		t.Errorf("the organisation's token endpoint issued %d tokens, want 1", n)
	}
}
