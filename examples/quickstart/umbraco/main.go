// Command umbraco is the README's Umbraco quick start: a token for an API
// user, then the current user. Set UMBRACO_URL (the site root),
// UMBRACO_CLIENT_ID (umbraco-back-office-…) and UMBRACO_CLIENT_SECRET.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/mgmtapi/mgmtapi/umbraco"
	"github.com/mgmtapi/mgmtapi/umbraco/v17/user"
)

func main() {
	conn, err := umbraco.Connect(os.Getenv("UMBRACO_URL"), os.Getenv("UMBRACO_CLIENT_ID"), os.Getenv("UMBRACO_CLIENT_SECRET"))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	me, err := user.New(conn).GetUserCurrent(context.Background())
	if err != nil {
		log.Fatal(err) // *apierror.Error with the problem details on 4xx/5xx
	}
	fmt.Printf("Hello, %s (%s)\n", me.Name, me.Email)
}
