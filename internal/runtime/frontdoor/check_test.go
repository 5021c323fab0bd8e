package frontdoor

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
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

		// Asgardeo: one clean path segment, or the secret leaves /t/<org>/.
		{"asgardeo tenant domain", CheckAsgardeoOrg("carbon.super"), ""},
		{"asgardeo underscore", CheckAsgardeoOrg("acme_dev-2"), ""},
		{"asgardeo dot", CheckAsgardeoOrg("."), "dot segment"},
		{"asgardeo dot dot", CheckAsgardeoOrg(".."), "dot segment"},
		{"asgardeo encoded dot dot", CheckAsgardeoOrg("%2e%2e"), "not percent-encoded"},
		{"asgardeo encoded slash", CheckAsgardeoOrg("acme%2Fx"), "not percent-encoded"},
		{"asgardeo tomcat path parameter", CheckAsgardeoOrg("..;"), "holds ';'"},
		{"asgardeo backslash", CheckAsgardeoOrg(`..\x`), "looks like a URL"},
		{"asgardeo unicode", CheckAsgardeoOrg("acmé"), "holds 'é'"},
		{"asgardeo control", CheckAsgardeoOrg("acme\n"), `holds '\n'`},

		// Auth0: one clean host name.
		{"auth0 ipv6 with port", CheckAuth0Domain("[::1]:8443"), ""},
		{"auth0 dot dot", CheckAuth0Domain(".."), "not a host name"},
		{"auth0 empty label", CheckAuth0Domain("tenant..auth0.com"), "empty label"},
		{"auth0 trailing dot", CheckAuth0Domain("tenant.auth0.com."), "empty label"},
		{"auth0 encoded", CheckAuth0Domain("tenant%2eauth0.com"), "has a path or other URL parts"},
		{"auth0 backslash", CheckAuth0Domain(`evil.com\tenant.auth0.com`), "has a path"},
		{"auth0 bad port", CheckAuth0Domain("tenant.auth0.com:99999"), "port"},
		{"auth0 port letters", CheckAuth0Domain("tenant.auth0.com:https"), "port"},
		{"auth0 unicode", CheckAuth0Domain("tenänt.auth0.com"), "xn--"},
		{"auth0 semicolon", CheckAuth0Domain("tenant.auth0.com;x"), "has a path"},

		// Base URL: a clean host and no path segment a server reads as
		// another place.
		{"base ipv6 loopback", CheckBaseURL("http://[::1]:8080/x"), ""},
		{"base dot dot", CheckBaseURL("https://api.asgardeo.io/t/../scim2"), `segment ".."`},
		{"base dot", CheckBaseURL("https://api.asgardeo.io/t/./scim2"), `segment "."`},
		{"base encoded dot dot", CheckBaseURL("https://api.asgardeo.io/t/%2e%2E/scim2"), `segment "%2e%2E"`},
		{"base encoded dot", CheckBaseURL("https://api.asgardeo.io/t/%2E/scim2"), `segment "%2E"`},
		{"base tomcat dot dot", CheckBaseURL("https://is.example.com/t/..;x/scim2"), `segment "..;x"`},
		{"base encoded slash", CheckBaseURL("https://is.example.com/t/a%2Fb/scim2"), "encoded /"},
		{"base encoded backslash", CheckBaseURL("https://is.example.com/t/a%5Cb"), "encoded /"},
		{"base empty label", CheckBaseURL("https://cms..example.com"), "empty label"},
		{"base port zero", CheckBaseURL("https://cms.example.com:0"), "port"},
		{"base query", CheckBaseURL("https://cms.example.com/x?key=k3y-VALUE#frag"), "must not have a query"},
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

// Errors quote a mis-given value without its user info, query or fragment.
func TestCheckErrorsHideURLParts(t *testing.T) {
	const sec = "pa55-W0rd-zz"
	for _, err := range []error{
		CheckAuth0Domain("https://me:" + sec + "@tenant.eu.auth0.com/x?key=" + sec + "#" + sec),
		CheckAuth0Domain("me:" + sec + "@tenant.eu.auth0.com"),
		CheckAuth0Domain("tenant.eu.auth0.com/?token=" + sec),
		CheckAuth0Domain("tenant.eu.auth0.com#" + sec),
		CheckAuth0Domain("me:" + sec + "#x@tenant.eu.auth0.com"),
		CheckAsgardeoOrg("https://me:" + sec + "@api.asgardeo.io/t/acme?x=" + sec),
		CheckAsgardeoOrg("me:" + sec + "@acme"),
		CheckAsgardeoOrg("acme?" + sec),
		CheckAsgardeoOrg("acme#" + sec),
		CheckBaseURL("https://me:" + sec + "@cms.example.com"),
		CheckBaseURL("https://cms.example.com/?k=" + sec),
		CheckBaseURL("https://cms.example.com/#" + sec),
		CheckUmbraco("https://cms.example.com/x?k="+sec, "umbraco-back-office-x"),
	} {
		if err == nil {
			t.Error("accepted")
			continue
		}
		if strings.Contains(err.Error(), sec) {
			t.Errorf("error %q quotes a user-info, query or fragment part", err)
		}
	}
	if got := shown("https://u:p@host.example/a?b#c"); got != "https://host.example/a" {
		t.Errorf("shown = %q", got)
	}
	if got := shown(strings.Repeat("é", 80)); !strings.HasSuffix(got, "…") || len(got) > 104 || !utf8.ValidString(got) {
		t.Errorf("shown of a long value = %q", got)
	}
}

// FuzzCredentialChecks: whatever a check accepts builds the URL it reads as:
// an organisation stays one segment under /t/, a domain is the whole host of
// https://<domain>/api/v2, and a base URL has no segment a server may read
// as another place.
func FuzzCredentialChecks(f *testing.F) {
	for _, s := range []string{"acme", "carbon.super", ".", "..", "%2e%2e", "..;", "a/b", "tenant.eu.auth0.com",
		"tenant.auth0.com:8443", "[::1]:8443", "u:p@host", "https://cms.example.com/a/%2e%2E/b", "http://127.0.0.1:8080/x",
		"https://h/t/..;x/y", "https://h/a%2Fb", "host.", "a..b", "ex%41mple.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckAsgardeoOrg(s) == nil {
			u, err := url.Parse("https://api.asgardeo.io/t/" + url.PathEscape(s) + "/scim2")
			if err != nil || u.Path != "/t/"+s+"/scim2" {
				t.Fatalf("org %q accepted, but its URL is %v (%v)", s, u, err)
			}
			for seg := range strings.SplitSeq(u.EscapedPath(), "/") {
				if !cleanSegment(seg) {
					t.Fatalf("org %q accepted, but its URL has the segment %q", s, seg)
				}
			}
		}
		if CheckAuth0Domain(s) == nil {
			u, err := url.Parse("https://" + s + "/api/v2")
			if err != nil || u.User != nil || !strings.EqualFold(u.Host, s) || u.Path != "/api/v2" || u.RawQuery != "" || u.Fragment != "" {
				t.Fatalf("domain %q accepted, but https://<domain>/api/v2 parses as %#v (%v)", s, u, err)
			}
		}
		if CheckBaseURL(s) == nil {
			u, err := url.Parse(s)
			if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
				t.Fatalf("base URL %q accepted, but parses as %#v (%v)", s, u, err)
			}
			for seg := range strings.SplitSeq(u.EscapedPath(), "/") {
				if !cleanSegment(seg) {
					t.Fatalf("base URL %q accepted with the segment %q", s, seg)
				}
			}
		}
	})
}
