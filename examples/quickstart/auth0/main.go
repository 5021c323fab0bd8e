// Command auth0 is the README's Auth0 quick start: a token for the
// Management API audience, then every application (GET /api/v2/clients,
// checkpoint-paged). Set AUTH0_DOMAIN (tenant.eu.auth0.com),
// AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/mgmtapi/mgmtapi"
	"github.com/mgmtapi/mgmtapi/auth0"
	"github.com/mgmtapi/mgmtapi/auth0/clients"
)

func main() {
	conn, err := auth0.Connect(os.Getenv("AUTH0_DOMAIN"), os.Getenv("AUTH0_CLIENT_ID"), os.Getenv("AUTH0_CLIENT_SECRET"))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	for app, err := range clients.New(conn).GetClientsAll(context.Background(), nil) {
		if err != nil {
			log.Fatal(err) // *apierror.Error with Auth0's statusCode, error, message, errorCode
		}
		fmt.Println(mgmtapi.Val(app.ClientId), mgmtapi.Val(app.Name))
	}
}
