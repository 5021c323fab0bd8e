package scim_test

import (
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/scim"
)

func TestFilterBuild(t *testing.T) {
	tests := []struct {
		name string
		f    scim.Filter
		want string
	}{
		{"eq string", scim.Eq("userName", "kim@example.com"), `userName eq "kim@example.com"`},
		{"quote and backslash", scim.Eq("displayName", `say "hi" \ bye`), `displayName eq "say \"hi\" \\ bye"`},
		{"plus stays literal", scim.Eq("emails.value", "kim+scim@example.com"), `emails.value eq "kim+scim@example.com"`},
		{"control characters", scim.Eq("title", "a\nb\tc\x01"), `title eq "a\nb\tc\u0001"`},
		{"boolean", scim.Eq("active", true), `active eq true`},
		{"integer", scim.Gt("urn:example:2.0:User:level", 7), `urn:example:2.0:User:level gt 7`},
		{"float", scim.Le("score", 1.5), `score le 1.5`},
		{"present", scim.Pr("title"), `title pr`},
		{"extension sub-attribute", scim.Eq("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "26118915"),
			`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915"`},
		{"and of three", scim.And(scim.Sw("userName", "ki"), scim.Co("name.familyName", "err"), scim.Ne("active", false)),
			`userName sw "ki" and name.familyName co "err" and active ne false`},
		{"or inside and is grouped", scim.And(scim.Eq("userType", "Employee"), scim.Or(scim.Pr("title"), scim.Ew("userName", ".org"))),
			`userType eq "Employee" and (title pr or userName ew ".org")`},
		{"not", scim.Not(scim.Eq("active", true)), `not (active eq true)`},
		{"value filter", scim.ValueFilter("emails", scim.And(scim.Eq("type", "work"), scim.Co("value", "@example.com"))),
			`emails[type eq "work" and value co "@example.com"]`},
		{"one-element and is the element", scim.And(scim.Pr("title")), `title pr`},
		{"named string type", scim.Eq("userType", userType("Contractor")), `userType eq "Contractor"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f.Build()
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if tt.f.String() != tt.want {
				t.Errorf("String() = %s", tt.f.String())
			}
		})
	}
}

type userType string

func TestFilterErrors(t *testing.T) {
	tests := []struct {
		name string
		f    scim.Filter
		want string
	}{
		{"zero filter", scim.Filter{}, "empty filter"},
		{"attribute with a space", scim.Eq("user name", "x"), "invalid attribute path"},
		{"attribute injecting an operator", scim.Eq(`userName eq "a" or userName`, "x"), "invalid attribute path"},
		{"attribute starting with a digit", scim.Pr("1name"), "invalid attribute path"},
		{"two sub-attributes", scim.Pr("name.given.more"), "invalid attribute path"},
		{"invalid UTF-8", scim.Eq("userName", "a\xffb"), "not valid UTF-8"},
		{"NaN", scim.Gt("score", nan()), "not a JSON number"},
		{"empty and", scim.And(), "and of no filters"},
		{"error inside and", scim.And(scim.Pr("title"), scim.Pr("bad attr")), "invalid attribute path"},
		{"error inside not", scim.Not(scim.Filter{}), "empty filter"},
		{"nested value filters", scim.ValueFilter("emails", scim.ValueFilter("x", scim.Pr("y"))), "do not nest"},
		{"value filter on a sub-attribute", scim.ValueFilter("name.givenName", scim.Pr("y")), "sub-attribute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.f.Build()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Build error = %v, want one containing %q", err, tt.want)
			}
			if s := tt.f.String(); !strings.HasPrefix(s, "!(") {
				t.Errorf("String() of an invalid filter = %q", s)
			}
		})
	}
}

func nan() float64 {
	var zero float64
	return zero / zero
}

func TestFilterSimple(t *testing.T) {
	if !scim.Eq("value", "x").Simple() {
		t.Error("a comparison is simple")
	}
	for _, f := range []scim.Filter{scim.And(scim.Pr("a"), scim.Pr("b")), scim.Not(scim.Pr("a")), {}} {
		if f.Simple() {
			t.Errorf("%s is not simple", f)
		}
	}
}
