package umbracotest_test

import (
	"net/http"
	"testing"

	"github.com/mgmtapi/mgmtapi/umbraco"
	"github.com/mgmtapi/mgmtapi/umbraco/umbracotest"
	server17 "github.com/mgmtapi/mgmtapi/umbraco/v17/server"
	"github.com/mgmtapi/mgmtapi/umbraco/v18/server"
)

// TestConnect: umbraco.Connect pointed at the kit reaches each version's
// API; a typed handler answers, a 401 makes the client fetch a new token.
func TestConnect(t *testing.T) {
	srv := umbracotest.New(t)
	umbracotest.Handle(srv, "GET /umbraco/management/api/v1/server/status", func(*umbracotest.Request) (server.ServerStatusResponseModel, error) {
		return server.ServerStatusResponseModel{ServerStatus: server.RuntimeLevelModelRun}, nil
	})
	srv.Fail("GET /umbraco/management/api/v1/server/status", umbracotest.Fault{Status: http.StatusUnauthorized, Times: 1})
	conn, err := umbraco.Connect(srv.URL(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	got, err := server.New(conn).GetServerStatus(t.Context())
	if err != nil || got.ServerStatus != server.RuntimeLevelModelRun {
		t.Fatalf("got %+v, %v", got, err)
	}
	if srv.TokensIssued() != 2 {
		t.Fatalf("tokens issued = %d, want 2 (refreshed after the 401)", srv.TokensIssued())
	}

	srv17 := umbracotest.New(t, umbracotest.WithVersion(17))
	conn17, err := umbraco.Connect(srv17.URL(), srv17.ClientID(), srv17.ClientSecret(), srv17.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn17.Close()
	if _, err := server17.New(conn17).GetServerInformation(t.Context()); err != nil {
		t.Fatal(err)
	}
	if r := srv17.Requests(); len(r) != 1 || r[0].Operation != "GetServerInformation" {
		t.Fatalf("recorded %v", r)
	}
}
