package scimusers_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// TestFrontDoor calls Prism through the front door (scimusers.NewAPI): a
// filtered page of users, and a 4xx as *apierror.Error.
func TestFrontDoor(t *testing.T) {
	opts, wire := env.FrontDoor(t, nil)
	c, err := scimusers.NewAPI(contracttest.AsgardeoOrg, "unused", "unused", opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	list, err := c.ListUsers(t.Context(), &scimusers.ListUsersParams{Filter: new(`userName sw "kim"`), StartIndex: new(int32(1)), Count: new(int32(10))})
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	if frontdoor.CountPtr(list.TotalResults) < 0 {
		t.Errorf("list without totalResults: %+v", list)
	}
	reqs := wire.Requests()
	if len(reqs) != 1 || reqs[0].Method+" "+reqs[0].URI != "GET /Users?filter=userName+sw+%22kim%22&startIndex=1&count=10" {
		t.Errorf("requests %+v", reqs)
	}
	if len(reqs) == 1 && reqs[0].Accept != "application/scim+json" {
		t.Errorf("Accept on the wire = %q, want application/scim+json (RFC 7644 §3.8)", reqs[0].Accept)
	}

	opts404, _ := env.FrontDoor(t, http.Header{"Prefer": {"code=404"}})
	c404, err := scimusers.NewAPI(contracttest.AsgardeoOrg, "unused", "unused", opts404...)
	if err != nil {
		t.Fatal(err)
	}
	defer c404.Close()
	_, err = c404.GetUser(t.Context(), "no-such-user", nil)
	var ae *apierror.Error
	if !errors.As(err, &ae) || ae.StatusCode != 404 {
		t.Fatalf("GetUser with Prefer code=404: %v (%T), want *apierror.Error 404", err, err)
	}
}
