package scim_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/scim"
)

func TestPatchRequest(t *testing.T) {
	const member = "2819c223-7f76-453a-919d-413861904646"
	p := scim.Patch{}.
		Add(scim.AttrPath("members"), []scim.Value{{Value: member}}).
		Replace(scim.AttrPath("name.givenName"), "Kim").
		Replace(scim.Path{}, map[string]any{"active": false}).
		Replace(scim.ValuePath("emails", scim.Eq("type", "work")).Sub("value"), "kim@work.example").
		Remove(scim.ValuePath("members", scim.Eq("value", member))).
		Add(scim.AttrPath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"), map[string]string{"value": "26118915"})
	req, err := p.Request()
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` +
		`{"op":"add","path":"members","value":[{"value":"2819c223-7f76-453a-919d-413861904646"}]},` +
		`{"op":"replace","path":"name.givenName","value":"Kim"},` +
		`{"op":"replace","value":{"active":false}},` +
		`{"op":"replace","path":"emails[type eq \"work\"].value","value":"kim@work.example"},` +
		`{"op":"remove","path":"members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"},` +
		`{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"26118915"}}]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if err := p.CheckSimpleFilters(); err != nil {
		t.Errorf("CheckSimpleFilters: %v", err)
	}
	// Chained calls do not share operations: a branch leaves its base as it was.
	base := scim.Patch{}.Replace(scim.AttrPath("title"), "a")
	_ = base.Replace(scim.AttrPath("title"), "b")
	r, _ := base.Request()
	if len(r.Operations) != 1 || r.Operations[0].Value != "a" {
		t.Errorf("base changed by a later call: %+v", r.Operations)
	}
}

func TestPatchRequestDefaultsSchemas(t *testing.T) {
	got, err := json.Marshal(scim.PatchRequest{Operations: []scim.Operation{{Op: "remove", Path: "title"}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"title"}]}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestPatchErrors(t *testing.T) {
	tests := []struct {
		name string
		p    scim.Patch
		want string
	}{
		{"no operations", scim.Patch{}, "at least one operation"},
		{"remove without a path", scim.Patch{}.Remove(scim.Path{}), "remove needs a path"},
		{"add without a value", scim.Patch{}.Add(scim.AttrPath("title"), nil), "a value is required"},
		{"invalid attribute", scim.Patch{}.Replace(scim.AttrPath("title]"), "x"), "invalid attribute path"},
		{"invalid filter", scim.Patch{}.Remove(scim.ValuePath("members", scim.Eq("bad attr", "x"))), "invalid attribute path"},
		{"sub without value path", scim.Patch{}.Remove(scim.AttrPath("name").Sub("givenName")), "needs a value path"},
		{"sub with a dot", scim.Patch{}.Remove(scim.ValuePath("emails", scim.Pr("type")).Sub("a.b")), "invalid sub-attribute"},
		{"first error wins", scim.Patch{}.Remove(scim.Path{}).Add(scim.AttrPath("bad attr"), 1), "remove needs a path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.p.Request()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Request error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestPatchCheckSimpleFilters(t *testing.T) {
	p := scim.Patch{}.
		Remove(scim.ValuePath("members", scim.Eq("value", "a"))).
		Remove(scim.ValuePath("emails", scim.And(scim.Eq("type", "work"), scim.Pr("value"))))
	err := p.CheckSimpleFilters()
	if err == nil || !strings.Contains(err.Error(), "operation 2") {
		t.Fatalf("CheckSimpleFilters = %v, want an error naming operation 2", err)
	}
}
