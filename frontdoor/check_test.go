package frontdoor

import (
	"strings"
	"testing"
)

func TestChecks(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string // "" means accepted
	}{
		{"https base", CheckBaseURL("https://cms.example.com"), ""},
		{"loopback http", CheckBaseURL("http://127.0.0.1:8080/x"), ""},
		{"localhost http", CheckBaseURL("http://localhost:8080"), ""},
		{"plain http", CheckBaseURL("http://cms.example.com"), "uses plain http"},
		{"relative", CheckBaseURL("cms.example.com"), "not an absolute URL"},
		{"user info", CheckBaseURL("https://u:p@cms.example.com"), "must not contain user info"},
		{"ftp", CheckBaseURL("ftp://cms.example.com"), "use https"},
		{"umbraco ok", CheckUmbraco("https://cms.example.com", "umbraco-back-office-sync"), ""},
		{"umbraco id", CheckUmbraco("https://cms.example.com", "sync"), `does not start with "umbraco-back-office-"`},
		{"auth0 ok", CheckAuth0Domain("tenant.eu.auth0.com"), ""},
		{"auth0 custom domain with port", CheckAuth0Domain("login.example.com:8443"), ""},
		{"auth0 scheme", CheckAuth0Domain("https://tenant.eu.auth0.com/api/v2"), `e.g. "tenant.eu.auth0.com"`},
		{"auth0 path", CheckAuth0Domain("tenant.eu.auth0.com/"), "has a path"},
		{"auth0 empty", CheckAuth0Domain(""), "domain is empty"},
		{"asgardeo ok", CheckAsgardeoOrg("acme"), ""},
		{"asgardeo url", CheckAsgardeoOrg("https://console.asgardeo.io/t/acme"), "give only its name"},
		{"asgardeo path", CheckAsgardeoOrg("t/acme"), "looks like a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			switch {
			case tt.want == "" && tt.err != nil:
				t.Errorf("rejected: %v", tt.err)
			case tt.want != "" && (tt.err == nil || !strings.Contains(tt.err.Error(), tt.want)):
				t.Errorf("error %v, want one saying %q", tt.err, tt.want)
			}
		})
	}
}
