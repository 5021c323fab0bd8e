package main

import (
	"testing"

	"github.com/mgmtapi/mgmtapi/asgardeo"
	"github.com/mgmtapi/mgmtapi/asgardeo/asgardeotest"
	"github.com/mgmtapi/mgmtapi/asgardeo/users"
	"github.com/mgmtapi/mgmtapi/examples/internal/stdout"
)

// TestQuickStart seeds a fake organisation with three users and checks
// that the program lists them all, one page after the other.
func TestQuickStart(t *testing.T) {
	srv := asgardeotest.New(t)
	conn, err := asgardeo.Connect(srv.Org(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, name := range []string{"DEFAULT/ada@example.com", "DEFAULT/grace@example.com", "DEFAULT/kim@example.com"} {
		if _, err := users.New(conn).CreateUser(t.Context(), nil, users.UserObject{UserName: new(name), Password: new("Passw0rd!-Passw0rd")}); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("ASGARDEO_ORG", srv.Org())
	t.Setenv("ASGARDEO_CLIENT_ID", srv.ClientID())
	t.Setenv("ASGARDEO_CLIENT_SECRET", srv.ClientSecret())
	t.Setenv("ASGARDEO_BASE_URL", srv.URL())
	want := "DEFAULT/ada@example.com\nDEFAULT/grace@example.com\nDEFAULT/kim@example.com\n"
	if got := stdout.Of(t, main); got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}
