// Command asgardeo is the README's Asgardeo quick start: a token by HTTP
// Basic with a scope, then every user (GET /scim2/Users, SCIM-paged). Set
// ASGARDEO_ORG (the organisation's name), ASGARDEO_CLIENT_ID and
// ASGARDEO_CLIENT_SECRET (an M2M application with internal_user_mgt_list);
// ASGARDEO_BASE_URL only for a self-hosted WSO2 Identity Server (its tenant
// root) or a test (main_test.go gives the fake organisation's).
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/mgmtapi/mgmtapi"
	"github.com/mgmtapi/mgmtapi/asgardeo"
	"github.com/mgmtapi/mgmtapi/asgardeo/users"
	"github.com/mgmtapi/mgmtapi/option"
)

func main() {
	conn, err := asgardeo.Connect(os.Getenv("ASGARDEO_ORG"), os.Getenv("ASGARDEO_CLIENT_ID"), os.Getenv("ASGARDEO_CLIENT_SECRET"),
		option.WithScopes("internal_user_mgt_list"), option.WithBaseURL(os.Getenv("ASGARDEO_BASE_URL")))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	// To filter, build the filter (quoted and escaped, RFC 7644 §3.4.2.2) and pass it:
	// f, err := scim.Sw("userName", prefix).Build(); users.New(conn).ListUsersAll(ctx, &users.ListUsersParams{Filter: &f})
	for u, err := range users.New(conn).ListUsersAll(context.Background(), nil) {
		if err != nil {
			log.Fatal(err) // *apierror.Error with the SCIM status, scimType and detail
		}
		fmt.Println(mgmtapi.Val(u.UserName))
	}
}
