package main

import (
	"context"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

func byName(t *testing.T, name string) vendor {
	t.Helper()
	for _, v := range vendors {
		if v.name == name {
			return v
		}
	}
	t.Fatalf("no vendor %q", name)
	return vendor{}
}

func noEnv(string) string { return "" }

// TestOffline runs each vendor's sample against the local token server and
// Prism, as "make demo" does.
func TestOffline(t *testing.T) {
	tests := []struct{ vendor, want string }{
		{"umbraco", "Hello, Jane Doe (jane.doe@example.com)\n"},
		{"auth0", "Hello, Auth0 tenant: 1 application(s): My application\n"},
		{"asgardeo", "Hello, Asgardeo organisation: 1 of 1 user(s): DEFAULT/kim@gmail.com\n"},
	}
	for _, tt := range tests {
		t.Run(tt.vendor, func(t *testing.T) {
			var out strings.Builder
			if err := run(t.Context(), byName(t, tt.vendor), noEnv, &out); err != nil {
				t.Fatalf("run: %v", err)
			}
			if out.String() != tt.want {
				t.Fatalf("printed %q, want %q", out.String(), tt.want)
			}
		})
	}
}

// TestCredentialErrors checks that missing or rejected credentials give one
// line that names the variables and never shows the secret.
func TestCredentialErrors(t *testing.T) {
	ts, err := contracttest.StartTokenServer(contracttest.Umbraco)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Close() })
	const wrong = "not-the-secret-4f1c9a"
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"missing secret", map[string]string{"UMBRACO_URL": ts.URL, "UMBRACO_CLIENT_ID": ts.Config.ClientID},
			"set all of UMBRACO_URL, UMBRACO_CLIENT_ID and UMBRACO_CLIENT_SECRET"},
		{"wrong secret", map[string]string{"UMBRACO_URL": ts.URL, "UMBRACO_CLIENT_ID": ts.Config.ClientID, "UMBRACO_CLIENT_SECRET": wrong},
			"the token endpoint rejected the credentials in UMBRACO_CLIENT_ID/UMBRACO_CLIENT_SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			err := run(context.Background(), byName(t, "umbraco"), func(k string) string { return tt.env[k] }, &out)
			if err == nil {
				t.Fatalf("no error; printed %q", out.String())
			}
			msg := oneLine(err)
			t.Logf("demo prints: umbraco: %s", msg)
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q, want one line containing %q", msg, tt.want)
			}
			if strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), ts.Config.ClientSecret) {
				t.Fatal("the error shows a client secret")
			}
		})
	}
}
