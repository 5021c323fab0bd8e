// Command asgardeo is the README's Asgardeo quick start: list the users of an
// organization through SCIM 2.0 with a client-credentials token, retries and
// typed SCIM errors. Set ASGARDEO_ORG, ASGARDEO_CLIENT_ID and
// ASGARDEO_CLIENT_SECRET (an M2M application with internal_user_mgt_list).
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/gen/scimusers"
	"github.com/mgmtapi/mgmtapi/paginate"
	"github.com/mgmtapi/mgmtapi/retry"
)

func main() {
	ctx := context.Background()
	org := os.Getenv("ASGARDEO_ORG")
	src, err := auth.New(auth.Asgardeo(org, os.Getenv("ASGARDEO_CLIENT_ID"), os.Getenv("ASGARDEO_CLIENT_SECRET"), "internal_user_mgt_list"))
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()

	hc := &http.Client{Transport: &retry.Transport{Base: src.Transport(http.DefaultTransport)}}
	c, err := scimusers.NewClientWithResponses("https://api.asgardeo.io/t/"+org+"/scim2", scimusers.WithHTTPClient(hc))
	if err != nil {
		log.Fatal(err)
	}

	filter := `userName sw "kim"`
	users := paginate.SCIM(ctx, 100, func(ctx context.Context, startIndex, count int) ([]scimusers.UserResponseObject, int, error) {
		s, n := int32(startIndex), int32(count)
		res, err := apierror.Checked(c.ListUsersWithResponse(ctx, &scimusers.ListUsersParams{Filter: &filter, StartIndex: &s, Count: &n}))
		if err != nil {
			return nil, 0, err // *apierror.Error with the SCIM status, scimType and detail
		}
		if res.JSON200.Resources == nil || res.JSON200.TotalResults == nil {
			return nil, 0, nil
		}
		return *res.JSON200.Resources, *res.JSON200.TotalResults, nil
	})
	for u, err := range users {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(*u.UserName)
	}
}
