package paginate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/mgmtapi/mgmtapi/paginate"
)

// Five users served two at a time, Umbraco style ({total, items}): the
// iterator makes exactly three requests and none past the end.
func ExampleSkipTake() {
	users := []string{"ada", "alan", "grace", "ken", "rob"}
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		skip, _ := strconv.Atoi(r.URL.Query().Get("skip"))
		take, _ := strconv.Atoi(r.URL.Query().Get("take"))
		page := users[min(skip, len(users)):min(skip+take, len(users))]
		json.NewEncoder(w).Encode(map[string]any{"total": len(users), "items": page})
	}))
	defer srv.Close()

	ctx := context.Background()
	// In production the closure wraps a generated call, for example
	// c.GetUserWithResponse(ctx, &umbraco17.GetUserParams{Skip: &skip, Take: &take}).
	fetch := func(ctx context.Context, skip, take int) ([]string, int, error) {
		resp, err := http.Get(fmt.Sprintf("%s/user?skip=%d&take=%d", srv.URL, skip, take))
		if err != nil {
			return nil, 0, err
		}
		defer resp.Body.Close()
		var page struct {
			Total int
			Items []string
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		return page.Items, page.Total, err
	}
	for user, err := range paginate.SkipTake(ctx, 2, fetch) {
		if err != nil {
			fmt.Println("error:", err)
			break
		}
		fmt.Println(user)
	}
	fmt.Println(requests, "requests")
	// Output:
	// ada
	// alan
	// grace
	// ken
	// rob
	// 3 requests
}

// Auth0 checkpoint paging: follow next until the server omits it.
func ExampleCheckpoint() {
	pages := map[string]struct {
		items []string
		next  string
	}{
		"":    {[]string{"m1", "m2"}, "cp1"},
		"cp1": {[]string{"m3"}, ""},
	}
	// In production: c.GetMembersWithResponse(ctx, orgID, &auth0.GetMembersParams{From: &from, Take: &take}).
	fetch := func(ctx context.Context, from string, take int) ([]string, string, error) {
		p := pages[from]
		return p.items, p.next, nil
	}
	members, err := paginate.Collect(paginate.Checkpoint(context.Background(), 50, fetch))
	fmt.Println(members, err)
	// Output:
	// [m1 m2 m3] <nil>
}
