package applications_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// TestFrontDoor calls Prism through the front door (applications.NewAPI):
// a page of applications, and a 4xx as *apierror.Error.
func TestFrontDoor(t *testing.T) {
	opts, wire := env.FrontDoor(t, nil)
	c, err := applications.NewAPI(contracttest.AsgardeoOrg, "unused", "unused", opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	list, err := c.GetAllApplications(t.Context(), &applications.GetAllApplicationsParams{Offset: new(applications.OffsetQueryParam(0)), Limit: new(applications.LimitQueryParam(10))})
	if err != nil {
		t.Fatalf("GetAllApplications: %v", err)
	}
	if frontdoor.CountPtr(list.TotalResults) < 0 {
		t.Errorf("list without totalResults: %+v", list)
	}
	reqs := wire.Requests()
	if len(reqs) != 1 || reqs[0].Method+" "+reqs[0].URI != "GET /applications?limit=10&offset=0" {
		t.Errorf("requests %+v", reqs)
	}

	opts4xx, _ := env.FrontDoor(t, http.Header{"Prefer": {"code=404"}})
	c4xx, err := applications.NewAPI(contracttest.AsgardeoOrg, "unused", "unused", opts4xx...)
	if err != nil {
		t.Fatal(err)
	}
	defer c4xx.Close()
	_, err = c4xx.GetApplication(t.Context(), "no-such-app")
	var ae *apierror.Error
	if !errors.As(err, &ae) || ae.StatusCode != 404 {
		t.Fatalf("GetApplication with Prefer code=404: %v (%T), want *apierror.Error 404", err, err)
	}
}
