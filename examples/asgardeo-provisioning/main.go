// Command asgardeo-provisioning is the README's "SCIM builders" example: a
// small provisioning job against Asgardeo's SCIM 2.0 API. It finds or
// creates a user, adds them to a group, and deactivates a list of leavers in
// bulk, with the scim package's filter and PATCH builders and its Bulker
// (split at 1,000 operations per request, paced at 5 requests per minute).
//
// Set ASGARDEO_ORG, ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET (an M2M
// application with the user, group and bulk scopes), PROVISION_USER (a
// userName), PROVISION_GROUP (a group id) and optionally PROVISION_LEAVERS
// (comma-separated user ids).
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/gen/scimbulk"
	"github.com/mgmtapi/mgmtapi/gen/scimgroups"
	"github.com/mgmtapi/mgmtapi/gen/scimusers"
	"github.com/mgmtapi/mgmtapi/retry"
	"github.com/mgmtapi/mgmtapi/scim"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	org := os.Getenv("ASGARDEO_ORG")
	src, err := auth.New(auth.Asgardeo(org, os.Getenv("ASGARDEO_CLIENT_ID"), os.Getenv("ASGARDEO_CLIENT_SECRET"),
		"internal_user_mgt_list", "internal_user_mgt_create", "internal_user_mgt_update",
		"internal_group_mgt_update", "internal_bulk_resource_create"))
	if err != nil {
		return err
	}
	defer src.Close()
	hc := &http.Client{Transport: &retry.Transport{Base: src.Transport(http.DefaultTransport)}}
	base := "https://api.asgardeo.io/t/" + org + "/scim2"
	// scim.SetMediaType sends application/scim+json (RFC 7644 §8.1).
	users, err := scimusers.NewClientWithResponses(base, scimusers.WithHTTPClient(hc), scimusers.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		return err
	}
	groups, err := scimgroups.NewClientWithResponses(base, scimgroups.WithHTTPClient(hc), scimgroups.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		return err
	}
	bulk, err := scimbulk.NewClientWithResponses(base, scimbulk.WithHTTPClient(hc), scimbulk.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		return err
	}

	// 1. Find the user with a filter built from typed parts: the value is
	//    quoted and escaped, whatever it contains.
	userName := os.Getenv("PROVISION_USER")
	filter, err := scim.Eq("userName", userName).Build()
	if err != nil {
		return err
	}
	var id string
	for u, err := range scim.List(ctx, 100, func(ctx context.Context, start, count int) ([]scimusers.UserResponseObject, int, error) {
		s, n := int32(start), int32(count)
		res, err := apierror.Checked(users.ListUsersWithResponse(ctx, &scimusers.ListUsersParams{Filter: &filter, StartIndex: &s, Count: &n}))
		if err != nil {
			return nil, 0, err
		}
		if res.JSON200.Resources == nil || res.JSON200.TotalResults == nil {
			return nil, 0, nil // RFC 7644 omits Resources when the page is empty
		}
		return *res.JSON200.Resources, *res.JSON200.TotalResults, nil
	}) {
		if err != nil {
			return err
		}
		if u.Id != nil {
			id = *u.Id
		}
	}

	// 2. Create them if missing; an invited user has no password.
	if id == "" {
		ask := true
		res, err := users.CreateUserWithResponse(ctx, &scimusers.CreateUserParams{}, scimusers.UserObject{
			Schemas:       &[]string{"urn:ietf:params:scim:schemas:core:2.0:User"},
			UserName:      &userName,
			Emails:        &[]scimusers.MultiValuedAttribute{{Value: userName, Primary: true}},
			WSO2Extension: &scimusers.WSO2UserExtension{AskPassword: &ask},
		})
		if err != nil {
			return err
		}
		if res.JSON409 != nil { // typed: scimType "uniqueness"
			return fmt.Errorf("%s was created meanwhile: %s", userName, res.Body)
		}
		if _, err := apierror.Checked(res, nil); err != nil {
			return err
		}
		if res.JSON201 == nil || res.JSON201.Id == nil {
			return fmt.Errorf("create %s: status %d without a user id", userName, res.StatusCode())
		}
		id = *res.JSON201.Id
		fmt.Println("created", userName, id)
	}

	// 3. Add them to the group. Asgardeo accepts only simple value filters
	//    in PATCH paths; CheckSimpleFilters says so before the request does.
	patch := scim.Patch{}.
		Remove(scim.ValuePath("members", scim.Eq("value", id))).
		Add(scim.AttrPath("members"), []scim.Value{{Value: id, Display: userName}})
	if err := patch.CheckSimpleFilters(); err != nil {
		return err
	}
	body, err := patch.Request()
	if err != nil {
		return err
	}
	if _, err := apierror.Checked(groups.PatchGroupWithResponse(ctx, os.Getenv("PROVISION_GROUP"), &scimgroups.PatchGroupParams{}, body)); err != nil {
		return err
	}

	// 4. Deactivate leavers in bulk, split and paced to Asgardeo's limits.
	var ops []scim.BulkOperation
	deactivate, err := scim.Patch{}.Replace(scim.AttrPath("active"), false).Request()
	if err != nil {
		return err
	}
	for _, leaver := range strings.FieldsFunc(os.Getenv("PROVISION_LEAVERS"), func(r rune) bool { return r == ',' }) {
		ops = append(ops, scim.BulkOperation{Method: "PATCH", Path: "/Users/" + leaver, Data: deactivate})
	}
	b := &scim.Bulker{Send: func(ctx context.Context, r scim.BulkRequest) (scim.BulkResponse, error) {
		res, err := apierror.Checked(bulk.PostBulkWithResponse(ctx, r))
		if err != nil {
			return scim.BulkResponse{}, err
		}
		switch {
		case res.JSON200 != nil: // RFC 7644 §3.7.3
			return *res.JSON200, nil
		case res.JSON201 != nil: // Asgardeo's document
			return *res.JSON201, nil
		}
		return scim.BulkResponse{}, fmt.Errorf("bulk: unexpected status %d", res.StatusCode())
	}}
	results, err := b.Run(ctx, ops)
	for _, r := range results {
		fmt.Println(r.Operation.Path, r.OK(), r.Err)
	}
	return err
}
