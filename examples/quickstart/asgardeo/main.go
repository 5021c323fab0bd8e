// Command asgardeo is the README's Asgardeo quick start: a token by HTTP
// Basic with a scope, then every user (GET /scim2/Users, SCIM-paged). Set
// ASGARDEO_ORG (the organisation's name), ASGARDEO_CLIENT_ID and
// ASGARDEO_CLIENT_SECRET (an M2M application with internal_user_mgt_list).
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/mgmtapi/mgmtapi/frontdoor"
	"github.com/mgmtapi/mgmtapi/gen/scimusers"
)

func main() {
	c, err := scimusers.NewAPI(os.Getenv("ASGARDEO_ORG"), os.Getenv("ASGARDEO_CLIENT_ID"), os.Getenv("ASGARDEO_CLIENT_SECRET"), frontdoor.WithScopes("internal_user_mgt_list"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// To filter, build the filter (quoted and escaped, RFC 7644 §3.4.2.2) and pass it:
	// f, err := scim.Sw("userName", prefix).Build(); c.ListUsersAll(ctx, &scimusers.ListUsersParams{Filter: &f})
	for u, err := range c.ListUsersAll(context.Background(), nil) {
		if err != nil {
			log.Fatal(err) // *apierror.Error with the SCIM status, scimType and detail
		}
		fmt.Println(frontdoor.Val(u.UserName))
	}
}
