package main

import (
	"testing"

	"github.com/mgmtapi/mgmtapi/examples/internal/stdout"
	"github.com/mgmtapi/mgmtapi/umbraco/umbracotest"
)

// TestQuickStart runs the program against a fake Umbraco 17 site that
// answers the current user with a recorded response (testdata/).
func TestQuickStart(t *testing.T) {
	srv := umbracotest.New(t, umbracotest.WithVersion(17), umbracotest.WithRecorded("testdata"))
	t.Setenv("UMBRACO_URL", srv.URL())
	t.Setenv("UMBRACO_CLIENT_ID", srv.ClientID())
	t.Setenv("UMBRACO_CLIENT_SECRET", srv.ClientSecret())
	if got, want := stdout.Of(t, main), "Hello, Ada (ada@example.com)\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Operation != "GetUserCurrent" || srv.TokensIssued() != 1 {
		t.Errorf("%d requests (first %+v), %d tokens; want one GET /user/current with one token", len(reqs), reqs, srv.TokensIssued())
	}
}
