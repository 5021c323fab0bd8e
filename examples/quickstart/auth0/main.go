// Command auth0 is the README's Auth0 quick start: list every user of a
// tenant through the Management API v2 with a machine-to-machine token,
// rate-limit-aware retries and typed errors. Set AUTH0_DOMAIN,
// AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET.
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/gen/auth0"
	"github.com/mgmtapi/mgmtapi/paginate"
	"github.com/mgmtapi/mgmtapi/retry"
)

func main() {
	ctx := context.Background()
	domain := os.Getenv("AUTH0_DOMAIN")
	src, err := auth.New(auth.Auth0(domain, os.Getenv("AUTH0_CLIENT_ID"), os.Getenv("AUTH0_CLIENT_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()

	// retry honours Auth0's 429 with X-RateLimit-Reset.
	hc := &http.Client{Transport: &retry.Transport{Base: src.Transport(http.DefaultTransport)}}
	c, err := auth0.NewClientWithResponses("https://"+domain+"/api/v2", auth0.WithHTTPClient(hc))
	if err != nil {
		log.Fatal(err)
	}

	totals := true
	users := paginate.PagePerPage(ctx, 50, func(ctx context.Context, page, perPage int) ([]auth0.UserResponseSchema, int, error) {
		res, err := apierror.Checked(c.GetUsersWithResponse(ctx, &auth0.GetUsersParams{Page: &page, PerPage: &perPage, IncludeTotals: &totals}))
		if err != nil {
			return nil, 0, err // *apierror.Error carries Auth0's statusCode/error/message/errorCode
		}
		body, err := res.JSON200.AsListUsersOffsetPaginatedResponseContent()
		if err != nil || body.Users == nil {
			return nil, 0, err
		}
		return *body.Users, int(*body.Total), nil
	})
	for u, err := range users {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(deref(u.UserId), deref(u.Email))
	}
}

func deref[T any](p *T) (v T) {
	if p != nil {
		v = *p
	}
	return v
}
