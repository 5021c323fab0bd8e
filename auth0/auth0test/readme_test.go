package auth0test_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/mgmtapi/mgmtapi"
	"github.com/mgmtapi/mgmtapi/auth0"
	"github.com/mgmtapi/mgmtapi/auth0/auth0test"
	"github.com/mgmtapi/mgmtapi/auth0/users"
)

// onboard is the user's own code under test in the README's example.
func onboard(ctx context.Context, conn *auth0.Conn, email string) error {
	_, err := users.New(conn).PostUsers(ctx, nil, users.PostUsersJSONRequestBody{
		Connection: "Username-Password-Authentication", Email: new(email), Password: new("x-Very-long-1"),
	})
	return err
}

// TestOnboard is the README's test-kit example (plus the last check, of
// the token refresh the revoked token caused): it must keep compiling and
// passing.
func TestOnboard(t *testing.T) {
	srv := auth0test.New(t)
	conn, err := auth0.Connect(srv.Domain(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	srv.Fail("POST /users", auth0test.Fault{Status: http.StatusUnauthorized, Times: 1}) // token revoked; onboard is your code
	if err := onboard(t.Context(), conn, "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	page, err := users.New(conn).GetUsersWithTotals(t.Context(), nil)
	if err != nil || page.Total != 1 || mgmtapi.Val(page.Items[0].Email) != "ada@example.com" {
		t.Fatalf("after onboarding: %+v, %v", page, err)
	}
	if n := srv.TokensIssued(); n != 2 {
		t.Errorf("%d tokens issued, want 2 (the first revoked by the 401)", n)
	}
}
