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

	"github.com/mgmtapi/mgmtapi/frontdoor"
	"github.com/mgmtapi/mgmtapi/gen/auth0"
)

func main() {
	ctx := context.Background()
	c, err := auth0.NewAPI(os.Getenv("AUTH0_DOMAIN"), os.Getenv("AUTH0_CLIENT_ID"), os.Getenv("AUTH0_CLIENT_SECRET"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	clients, err1 := c.GetClients(ctx, nil)
	users, err2 := c.GetUsersWithTotals(ctx, &auth0.GetUsersParams{PerPage: new(100)})
	if err := errors.Join(err1, err2); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d clients, %d users\n", len(clients), users.Total)
	if len(users.Items) > 0 {
		u := users.Items[0]
		fmt.Println(frontdoor.Val(u.Email), frontdoor.Val(u.AppMetadata)["plan"])
	}
}
