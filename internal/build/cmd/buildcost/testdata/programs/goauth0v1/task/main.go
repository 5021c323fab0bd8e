// Command task is the README's Auth0 task (examples/auth0-task) on go-auth0
// v1: list the applications, list users with totals, print the counts and the
// first user's email and app_metadata.plan.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/auth0/go-auth0/management"
)

func main() {
	ctx := context.Background()
	m, err := management.New(os.Getenv("AUTH0_DOMAIN"),
		management.WithClientCredentials(ctx, os.Getenv("AUTH0_CLIENT_ID"), os.Getenv("AUTH0_CLIENT_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	clients, err1 := m.Client.List(ctx)
	users, err2 := m.User.List(ctx, management.IncludeTotals(true), management.PerPage(100))
	if err := errors.Join(err1, err2); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d clients, %d users\n", len(clients.Clients), users.Total)
	if len(users.Users) > 0 {
		u := users.Users[0]
		fmt.Println(u.GetEmail(), u.GetAppMetadata()["plan"])
	}
}
