package umbraco17_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/mgmtapi/mgmtapi/apierror"
	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
)

// TestFrontDoor calls Prism through the front door (umbraco17.NewAPI): the
// current user, a create that returns the new id, a page of users, and a
// 4xx as *apierror.Error; what reached the wire is checked.
func TestFrontDoor(t *testing.T) {
	opts, wire := env.FrontDoor(t, nil)
	c, err := umbraco17.NewAPI(env.Prism.URL, "umbraco-back-office-contract", "unused", opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := t.Context()

	me, err := c.GetUserCurrent(ctx)
	if err != nil {
		t.Fatalf("GetUserCurrent: %v", err)
	}
	if me.Name == "" || me.Email == "" {
		t.Errorf("current user without name or email: %+v", me)
	}
	id, err := c.PostDataType(ctx, umbraco17.PostDataTypeJSONRequestBody{Name: "Front door", EditorAlias: "Umbraco.TextBox", EditorUiAlias: "Umb.PropertyEditorUi.TextBox", Values: []umbraco17.DataTypePropertyPresentationModel{}})
	if err != nil {
		t.Fatalf("PostDataType: %v", err)
	}
	if id == "" {
		t.Error("PostDataType returned no id")
	}
	page, err := c.GetUser(ctx, &umbraco17.GetUserParams{Skip: new(int32(0)), Take: new(int32(5))})
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if page.Items == nil {
		t.Error("GetUser returned no items")
	}
	reqs := wire.Requests()
	want := []string{
		"GET /umbraco/management/api/v1/user/current",
		"POST /umbraco/management/api/v1/data-type",
		"GET /umbraco/management/api/v1/user?skip=0&take=5",
	}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d: %+v", len(reqs), len(want), reqs)
	}
	for i, w := range want {
		if got := reqs[i].Method + " " + reqs[i].URI; got != w {
			t.Errorf("request %d: %s, want %s", i, got, w)
		}
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[1].Body, &body); err != nil || body["name"] != "Front door" || body["editorAlias"] != "Umbraco.TextBox" {
		t.Errorf("POST body %s", reqs[1].Body)
	}

	// 403: Prism's 404 example of ProblemDetails breaks the spec's own
	// schema (null extension members), which the checked client reports.
	opts404, _ := env.FrontDoor(t, http.Header{"Prefer": {"code=403"}})
	c404, err := umbraco17.NewAPI(env.Prism.URL, "umbraco-back-office-contract", "unused", opts404...)
	if err != nil {
		t.Fatal(err)
	}
	defer c404.Close()
	_, err = c404.GetDataTypeById(ctx, [16]byte{1})
	var ae *apierror.Error
	if !errors.As(err, &ae) || ae.StatusCode != 403 {
		t.Fatalf("GetDataTypeById with Prefer code=403: %v (%T), want *apierror.Error 403", err, err)
	}
}
