package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/auth0"
	"github.com/mgmtapi/mgmtapi/auth0/auth0test"
	"github.com/mgmtapi/mgmtapi/auth0/clients"
	"github.com/mgmtapi/mgmtapi/auth0/model"
	"github.com/mgmtapi/mgmtapi/auth0/users"
)

// connect is the program's own auth0.Connect, pointed at the fake tenant.
func connect(t *testing.T, srv *auth0test.Server) *auth0.Conn {
	t.Helper()
	conn, err := auth0.Connect(srv.Domain(), srv.ClientID(), srv.ClientSecret(), srv.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestReport seeds the fake tenant's store through the API, runs the task
// and checks what it printed and the requests the tenant received.
func TestReport(t *testing.T) {
	srv := auth0test.New(t)
	conn := connect(t, srv)
	for _, email := range []string{"ada@example.com", "grace@example.com"} {
		_, err := users.New(conn).PostUsers(t.Context(), nil, users.PostUsersJSONRequestBody{
			Connection: "Username-Password-Authentication", Email: new(email), Password: new("x-Very-long-1"),
			AppMetadata: &model.AppMetadata{"plan": "pro"},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := clients.New(conn).PostClients(t.Context(), clients.PostClientsJSONRequestBody{Name: "billing"}); err != nil {
		t.Fatal(err)
	}

	var out strings.Builder
	if err := report(t.Context(), conn, &out); err != nil {
		t.Fatal(err)
	}
	if want := "1 clients, 2 users\nada@example.com pro\n"; out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
	var got []string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet {
			got = append(got, r.Method+" "+r.Path+"?"+r.Query.Encode())
		}
	}
	want := []string{"GET /api/v2/clients?", "GET /api/v2/users?include_totals=true&per_page=100"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the tenant received\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestReportRateLimited: a 429 on the user list is retried after the
// tenant's reset and the task still completes.
func TestReportRateLimited(t *testing.T) {
	srv := auth0test.New(t)
	srv.Fail("GET /users", auth0test.Fault{Status: http.StatusTooManyRequests, Times: 1})
	var out strings.Builder
	if err := report(t.Context(), connect(t, srv), &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "0 clients, 0 users\n" {
		t.Errorf("printed %q", out.String())
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3 (clients, users refused, users again)", n)
	}
}
