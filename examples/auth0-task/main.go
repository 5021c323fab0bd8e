// Command auth0-task is the task of issue 12 on the front door: list the
// applications, list users with totals, print the counts and the first
// user's email and app_metadata.plan. Set AUTH0_DOMAIN, AUTH0_CLIENT_ID and
// AUTH0_CLIENT_SECRET. main_test.go runs it against auth0test, the fake
// tenant, as a user's own test would.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/mgmtapi/mgmtapi"
	"github.com/mgmtapi/mgmtapi/auth0"
	"github.com/mgmtapi/mgmtapi/auth0/clients"
	"github.com/mgmtapi/mgmtapi/auth0/users"
)

func main() {
	conn, err := auth0.Connect(os.Getenv("AUTH0_DOMAIN"), os.Getenv("AUTH0_CLIENT_ID"), os.Getenv("AUTH0_CLIENT_SECRET"))
	if err == nil {
		defer conn.Close()
		err = report(context.Background(), conn, os.Stdout)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// report is the task on a connection, so that a test can give it one.
func report(ctx context.Context, conn *auth0.Conn, w io.Writer) error {
	apps, err1 := clients.New(conn).GetClients(ctx, nil)
	page, err2 := users.New(conn).GetUsersWithTotals(ctx, &users.GetUsersParams{PerPage: new(100)})
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d clients, %d users\n", len(apps), page.Total)
	if len(page.Items) > 0 {
		u := page.Items[0]
		fmt.Fprintln(w, mgmtapi.Val(u.Email), mgmtapi.Val(u.AppMetadata)["plan"])
	}
	return nil
}
