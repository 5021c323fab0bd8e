// Command auth0-task is the task of issue 12 on the front door: list the
// applications, list users with totals, print the counts and the first
// user's email and app_metadata.plan. Set AUTH0_DOMAIN, AUTH0_CLIENT_ID and
// AUTH0_CLIENT_SECRET.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/mgmtapi/mgmtapi"
	"github.com/mgmtapi/mgmtapi/auth0"
	"github.com/mgmtapi/mgmtapi/auth0/clients"
	"github.com/mgmtapi/mgmtapi/auth0/users"
)

func main() {
	ctx := context.Background()
	conn, err := auth0.Connect(os.Getenv("AUTH0_DOMAIN"), os.Getenv("AUTH0_CLIENT_ID"), os.Getenv("AUTH0_CLIENT_SECRET"))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	apps, err1 := clients.New(conn).GetClients(ctx, nil)
	page, err2 := users.New(conn).GetUsersWithTotals(ctx, &users.GetUsersParams{PerPage: new(100)})
	if err := errors.Join(err1, err2); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d clients, %d users\n", len(apps), page.Total)
	if len(page.Items) > 0 {
		u := page.Items[0]
		fmt.Println(mgmtapi.Val(u.Email), mgmtapi.Val(u.AppMetadata)["plan"])
	}
}
