// Command asgardeo-provisioning is the README's "SCIM builders" example: a
// small provisioning job against Asgardeo's SCIM 2.0 API over one
// connection (one token with the scopes of Users, Groups and Bulk, one retry
// stack). It finds or creates a user, adds them to a group, and deactivates
// a list of leavers in bulk, with the scim package's filter and PATCH
// builders and its Bulker (split at 1,000 operations per request, paced at
// 5 requests per minute).
//
// Set ASGARDEO_ORG, ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET (an M2M
// application with the user, group and bulk scopes), PROVISION_USER (a
// userName), PROVISION_GROUP (a group id) and optionally PROVISION_LEAVERS
// (comma-separated user ids) and ASGARDEO_BASE_URL (a self-hosted WSO2
// Identity Server's tenant root; main_test.go gives the fake organisation's).
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/mgmtapi/mgmtapi"
	"github.com/mgmtapi/mgmtapi/asgardeo"
	"github.com/mgmtapi/mgmtapi/asgardeo/bulk"
	"github.com/mgmtapi/mgmtapi/asgardeo/groups"
	"github.com/mgmtapi/mgmtapi/asgardeo/users"
	"github.com/mgmtapi/mgmtapi/option"
	"github.com/mgmtapi/mgmtapi/scim"
)

func main() {
	ctx, userName := context.Background(), os.Getenv("PROVISION_USER")
	conn := must(asgardeo.Connect(os.Getenv("ASGARDEO_ORG"), os.Getenv("ASGARDEO_CLIENT_ID"), os.Getenv("ASGARDEO_CLIENT_SECRET"),
		option.WithBaseURL(os.Getenv("ASGARDEO_BASE_URL")), option.WithScopes("internal_user_mgt_list", "internal_user_mgt_create",
			"internal_user_mgt_update", "internal_group_mgt_update", "internal_bulk_resource_create")))
	defer conn.Close()
	// 1. Find the user: the filter's value is quoted and escaped, whatever it holds.
	var id string
	for u, err := range users.New(conn).ListUsersAll(ctx, &users.ListUsersParams{Filter: new(must(scim.Eq("userName", userName).Build()))}) {
		check(err)
		id = mgmtapi.Val(u.Id)
	}
	// 2. Create them if missing (an invited user has no password); a 409 is an
	//    *apierror.Error with scimType "uniqueness".
	if id == "" {
		u := must(users.New(conn).CreateUser(ctx, nil, users.UserObject{UserName: &userName, Schemas: &[]string{"urn:ietf:params:scim:schemas:core:2.0:User"},
			Emails: &[]users.MultiValuedAttribute{{Value: userName, Primary: true}}, WSO2Extension: &users.WSO2UserExtension{AskPassword: new(true)}}))
		id = mgmtapi.Val(u.Id)
	}
	// 3. Add them to the group (Asgardeo takes only simple value filters in
	//    PATCH paths: patch.CheckSimpleFilters says so before a request does).
	patch := scim.Patch{}.Remove(scim.ValuePath("members", scim.Eq("value", id))).
		Add(scim.AttrPath("members"), []scim.Value{{Value: id, Display: userName}})
	must(groups.New(conn).PatchGroup(ctx, os.Getenv("PROVISION_GROUP"), nil, must(patch.Request())))
	// 4. Deactivate leavers in bulk, split and paced to Asgardeo's limits.
	deactivate := must(scim.Patch{}.Replace(scim.AttrPath("active"), false).Request())
	var ops []scim.BulkOperation
	for _, leaver := range strings.FieldsFunc(os.Getenv("PROVISION_LEAVERS"), func(r rune) bool { return r == ',' }) {
		ops = append(ops, scim.BulkOperation{Method: "PATCH", Path: "/Users/" + leaver, Data: deactivate})
	}
	results, err := (&scim.Bulker{Send: bulk.New(conn).PostBulk}).Run(ctx, ops)
	for _, r := range results {
		fmt.Println(r.Operation.Path, r.OK(), r.Err)
	}
	check(err)
}

// must stops the job on the first error (an *apierror.Error for a refused
// request), else returns v.
func must[T any](v T, err error) T {
	check(err)
	return v
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
