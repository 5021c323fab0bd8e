// Command umbraco is the README's Umbraco quick start: list every back-office
// user through the Management API with a client-credentials token, retries
// and typed errors. Set UMBRACO_URL, UMBRACO_CLIENT_ID and
// UMBRACO_CLIENT_SECRET (an Umbraco API user).
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/gen/umbraco17"
	"github.com/mgmtapi/mgmtapi/paginate"
	"github.com/mgmtapi/mgmtapi/retry"
)

func main() {
	ctx := context.Background()
	base := os.Getenv("UMBRACO_URL")
	src, err := auth.New(auth.Umbraco(base, os.Getenv("UMBRACO_CLIENT_ID"), os.Getenv("UMBRACO_CLIENT_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()

	hc := &http.Client{Transport: &retry.Transport{Base: src.Transport(http.DefaultTransport)}}
	c, err := umbraco17.NewClientWithResponses(base, umbraco17.WithHTTPClient(hc))
	if err != nil {
		log.Fatal(err)
	}

	me, err := apierror.Checked(c.GetUserCurrentWithResponse(ctx))
	if err != nil {
		log.Fatal(err) // e.g. "umbraco: GET .../user/current: 401 Unauthorized: ..."
	}
	fmt.Printf("Hello, %s (%s)\n", me.JSON200.Name, me.JSON200.Email)

	users := paginate.SkipTake(ctx, 100, func(ctx context.Context, skip, take int) ([]umbraco17.UserResponseModel, int, error) {
		s, t := int32(skip), int32(take)
		res, err := apierror.Checked(c.GetUserWithResponse(ctx, &umbraco17.GetUserParams{Skip: &s, Take: &t}))
		if err != nil {
			return nil, 0, err
		}
		return res.JSON200.Items, int(res.JSON200.Total), nil
	})
	for u, err := range users {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.Name, u.Email)
	}
}
