package scimtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	scimbulk "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimbulk"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/scim"
)

// TestBulkFailOnErrorsAcrossRequests runs a job split into requests of two
// operations with FailOnErrors 2 against the independent server, which
// honours failOnErrors per request. One 404 in the first request and one in
// the second use the limit up: the second request carries failOnErrors 1
// (so the server skips its POST), the third is never sent, and its users
// do not exist.
func TestBulkFailOnErrorsAcrossRequests(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testenv.SCIMServerOptions{BulkMaxOperations: 2})
	bulk, err := scimbulk.NewClientWithResponses(e.srv.BaseURL,
		scimbulk.WithRequestEditorFn(e.srv.Authorize), scimbulk.WithRequestEditorFn(scim.SetMediaType))
	if err != nil {
		t.Fatal(err)
	}
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
	user := func(id string) scim.BulkOperation {
		return scim.BulkOperation{Method: "POST", Path: "/Users", BulkID: id,
			Data: map[string]any{"schemas": []string{userSchema}, "userName": id + "@example.com"}}
	}
	ops := []scim.BulkOperation{
		user("ann"),
		{Method: "DELETE", Path: "/Users/no-such-user-1"},
		{Method: "DELETE", Path: "/Users/no-such-user-2"},
		user("bob"),
		user("cid"),
		user("dan"),
	}
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	results, err := (&scim.Bulker{Send: send, MaxOperations: 2, FailOnErrors: 2, Clock: clock}).Run(ctx, ops)
	if !errors.Is(err, scim.ErrBulkStopped) {
		t.Fatalf("err = %v, want scim.ErrBulkStopped", err)
	}

	// On the wire: two bulk requests, carrying failOnErrors 2 and 1.
	var failOn []int
	for _, w := range e.wire(t) {
		if w.Method != http.MethodPost || w.Path != "/scim2/Bulk" {
			t.Fatalf("unexpected request %s %s", w.Method, w.Path)
		}
		var req struct {
			FailOnErrors int `json:"failOnErrors"`
		}
		if err := json.Unmarshal([]byte(w.Body), &req); err != nil {
			t.Fatal(err)
		}
		failOn = append(failOn, req.FailOnErrors)
	}
	if !slices.Equal(failOn, []int{2, 1}) {
		t.Errorf("bulk requests carried failOnErrors %v, want [2 1]", failOn)
	}
	if len(results) != 4 || !results[0].OK() || results[1].OK() || results[2].OK() || !errors.Is(results[3].Err, scim.ErrNoBulkResult) {
		t.Errorf("results = %+v", results)
	}

	// Only ann was created.
	for name, want := range map[string]int{"ann": 1, "bob": 0, "cid": 0, "dan": 0} {
		f := `userName eq "` + name + `@example.com"`
		res, err := e.users.ListUsersWithResponse(ctx, &scimusers.ListUsersParams{Filter: &f})
		if err != nil || res.JSON200 == nil {
			t.Fatalf("list %s: %v", name, err)
		}
		if got := deref(res.JSON200.TotalResults); got != want {
			t.Errorf("%s: %d users, want %d", name, got, want)
		}
	}
	e.wire(t)
}
