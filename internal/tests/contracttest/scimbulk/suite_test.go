package scimbulk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	scimbulk "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimbulk"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
	"github.com/mgmtapi/mgmtapi/scim"
)

func newClient(t *testing.T) *scimbulk.ClientWithResponses {
	t.Helper()
	c, err := scimbulk.NewClientWithResponses(env.Prism.URL,
		scimbulk.WithHTTPClient(env.Client(t)),
		scimbulk.WithRequestEditorFn(env.Source.RequestEditor()),
		scimbulk.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSuite sends one mixed bulk request (create a user, patch a group,
// delete a user) and decodes the per-operation results.
func TestSuite(t *testing.T) {
	tests := []contracttest.Case[*scimbulk.ClientWithResponses]{
		{Name: "POST Bulk mixed operations", Call: func(ctx context.Context, c *scimbulk.ClientWithResponses) (int, string, error) {
			patch, err := scim.Patch{}.Add(scim.AttrPath("members"), []scim.Value{{Value: "bulkId:kim"}}).Request()
			if err != nil {
				return 0, "", err
			}
			r, err := c.PostBulkWithResponse(ctx, scim.BulkRequest{
				FailOnErrors: 1,
				Operations: []scim.BulkOperation{
					{Method: "POST", Path: "/Users", BulkID: "kim", Data: map[string]any{
						"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": "kim@example.com",
					}},
					{Method: "PATCH", Path: "/Groups/7bac6a86-1f21-4937-9fb1-5be4a93ef469", Data: patch},
					{Method: "DELETE", Path: "/Users/008bba85-451d-414b-87de-c03b5a1f4217"},
				},
			})
			if err != nil {
				return 0, "", err
			}
			resp := bulkResponse(r)
			if resp == nil || len(resp.Operations) == 0 {
				return r.StatusCode(), "bulk response without operations", nil
			}
			for _, op := range resp.Operations {
				if op.Status < 100 {
					return r.StatusCode(), "operation without a status", nil
				}
			}
			return r.StatusCode(), "", nil
		}, Want: 200},
		{Name: "POST Bulk through scim.Bulker, split in two", Call: func(ctx context.Context, c *scimbulk.ClientWithResponses) (int, string, error) {
			status := 0
			b := &scim.Bulker{MaxOperations: 2, Clock: noWait{}, Send: func(ctx context.Context, r scim.BulkRequest) (scim.BulkResponse, error) {
				res, err := c.PostBulkWithResponse(ctx, r)
				if err != nil {
					return scim.BulkResponse{}, err
				}
				status = res.StatusCode()
				resp := bulkResponse(res)
				if resp == nil {
					return scim.BulkResponse{}, fmt.Errorf("status %d", status)
				}
				return *resp, nil
			}}
			results, err := b.Run(ctx, []scim.BulkOperation{
				{Method: "DELETE", Path: "/Users/1"}, {Method: "DELETE", Path: "/Users/2"}, {Method: "DELETE", Path: "/Users/3"},
			})
			if err != nil {
				return status, "", err
			}
			if len(results) != 3 {
				return status, fmt.Sprintf("%d results for 3 operations", len(results)), nil
			}
			return status, "", nil
		}, Want: 200},
	}
	contracttest.RunSuite(t, env, newClient, tests)
}

// bulkResponse is the decoded answer: 200 (RFC 7644 §3.7.3, what Prism
// picks) or 201 (Asgardeo's document).
func bulkResponse(r *scimbulk.PostBulkResponse) *scim.BulkResponse {
	if r.JSON200 != nil {
		return r.JSON200
	}
	return r.JSON201
}

// noWait is a scim.Clock that never waits: pacing is unit-tested in
// package scim; here only the wiring is.
type noWait struct{}

func (noWait) Now() time.Time                             { return time.Time{} }
func (noWait) Sleep(context.Context, time.Duration) error { return nil }
