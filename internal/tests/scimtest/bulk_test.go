package scimtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	scimbulk "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimbulk"
	scimgroups "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimgroups"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/scim"
)

// fakeClock advances only when the Bulker sleeps.
type fakeClock struct {
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

// TestBulk runs a bulk job through scim.Bulker and gen/scimbulk against the
// independent server: split into requests of two operations, paced to two
// requests per minute, with one result per operation.
func TestBulk(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testenv.SCIMServerOptions{BulkMaxOperations: 2})
	bulk, err := scimbulk.NewClientWithResponses(e.srv.BaseURL,
		scimbulk.WithRequestEditorFn(e.srv.Authorize), scimbulk.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		t.Fatal(err)
	}
	kim, err := e.users.CreateUserWithResponse(ctx, &scimusers.CreateUserParams{}, scimusers.UserObject{Schemas: &[]string{userSchema}, UserName: ptr("kim@example.com")})
	if err != nil || kim.JSON201 == nil {
		t.Fatalf("create kim: %v", err)
	}
	grp, err := e.groups.CreateGroupWithResponse(ctx, &scimgroups.CreateGroupParams{}, scimgroups.GroupRequestObject{Schemas: []string{groupSchema}, DisplayName: "new-hires"})
	if err != nil || grp.JSON201 == nil {
		t.Fatalf("create group: %v", err)
	}
	e.wire(t)
	send := func(ctx context.Context, r scim.BulkRequest) (scim.BulkResponse, error) {
		res, err := bulk.PostBulkWithResponse(ctx, r)
		if err != nil {
			return scim.BulkResponse{}, err
		}
		if res.JSON200 == nil {
			return scim.BulkResponse{}, fmt.Errorf("bulk: status %d: %s", res.StatusCode(), res.Body)
		}
		return *res.JSON200, nil
	}
	addMember, err := scim.Patch{}.Add(scim.AttrPath("members"), []scim.Value{{Value: "bulkId:ann"}}).Request()
	if err != nil {
		t.Fatal(err)
	}
	ops := []scim.BulkOperation{
		{Method: "POST", Path: "/Users", BulkID: "ann", Data: map[string]any{"schemas": []string{userSchema}, "userName": "ann@example.com"}},
		{Method: "PATCH", Path: "/Groups/" + *grp.JSON201.Id, Data: addMember},
		{Method: "POST", Path: "/Users", BulkID: "dup", Data: map[string]any{"schemas": []string{userSchema}, "userName": "KIM@example.com"}},
		{Method: "DELETE", Path: "/Users/no-such-user"},
		{Method: "DELETE", Path: "/Users/" + *kim.JSON201.Id},
	}
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	b := &scim.Bulker{Send: send, MaxOperations: 2, Requests: 2, Per: time.Minute, Clock: clock}
	results, err := b.Run(ctx, ops)
	if err != nil {
		t.Fatal(err)
	}

	// On the wire: three bulk requests of 2, 2 and 1 operations.
	var sizes []int
	for _, w := range e.wire(t) {
		if w.Method != http.MethodPost || w.Path != "/scim2/Bulk" || w.Status != http.StatusOK {
			t.Fatalf("unexpected request %s %s (%d)", w.Method, w.Path, w.Status)
		}
		var req struct {
			Schemas    []string
			Operations []json.RawMessage
		}
		if err := json.Unmarshal([]byte(w.Body), &req); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(req.Schemas, []string{scim.BulkRequestSchema}) {
			t.Errorf("schemas = %v", req.Schemas)
		}
		sizes = append(sizes, len(req.Operations))
	}
	if !slices.Equal(sizes, []int{2, 2, 1}) {
		t.Errorf("operations per request = %v, want [2 2 1]", sizes)
	}
	if !slices.Equal(clock.sleeps, []time.Duration{time.Minute}) {
		t.Errorf("slept %v, want one minute before the third request", clock.sleeps)
	}

	// Per operation: created, patched (the reference resolved), 409, 404, deleted.
	var statuses []int
	for _, r := range results {
		if r.Response == nil {
			t.Fatalf("no result for %+v: %v", r.Operation, r.Err)
		}
		statuses = append(statuses, int(r.Response.Status))
	}
	if want := []int{201, 200, 409, 404, 204}; !slices.Equal(statuses, want) {
		t.Errorf("statuses = %v, want %v", statuses, want)
	}
	if !results[0].OK() || !strings.HasPrefix(results[0].Response.Location, "/Users/") {
		t.Errorf("create: %+v", results[0])
	}
	var opErr *scim.BulkOperationError
	if !errors.As(results[2].Err, &opErr) || !strings.Contains(string(opErr.Response), "uniqueness") {
		t.Errorf("duplicate: %v", results[2].Err)
	}
	if !errors.As(results[3].Err, &opErr) || opErr.Status != 404 {
		t.Errorf("missing user: %v", results[3].Err)
	}

	// The group now has ann as its member.
	annID := strings.TrimPrefix(results[0].Response.Location, "/Users/")
	g, err := e.groups.GetGroupWithResponse(ctx, *grp.JSON201.Id, &scimgroups.GetGroupParams{})
	if err != nil || g.JSON200 == nil {
		t.Fatalf("get group: %v", err)
	}
	if m := deref(g.JSON200.Members); len(m) != 1 || m[0].Value != annID {
		t.Errorf("members = %+v, want ann (%s)", m, annID)
	}
	e.wire(t)

	// More operations than the server takes: 413, reported as Run's error.
	big := &scim.Bulker{Send: send, MaxOperations: 3, Clock: clock}
	_, err = big.Run(ctx, []scim.BulkOperation{{Method: "DELETE", Path: "/Users/a"}, {Method: "DELETE", Path: "/Users/b"}, {Method: "DELETE", Path: "/Users/c"}})
	if err == nil || !strings.Contains(err.Error(), "413") {
		t.Errorf("err = %v, want the server's 413", err)
	}
	e.one(t, http.MethodPost, "/scim2/Bulk", http.StatusRequestEntityTooLarge)
}
