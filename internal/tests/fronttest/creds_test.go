package fronttest

import (
	"net/http"
	"strings"
	"testing"

	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
	"github.com/mgmtapi/mgmtapi/option"
)

// Known credential mistakes fail in NewAPI, before any request, with an
// error that says what to do and does not repeat the secret.
func TestCredentialMistakes(t *testing.T) {
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) { rw.WriteHeader(500) })
	const sec = "s3cr3t-value-never-shown-0123456789"
	tok := option.WithTokenURL(w.URL + "/token")
	tests := []struct {
		name string
		new  func() error
		want string
	}{
		{"umbraco client id without prefix", func() error {
			_, err := umbraco17.NewAPI("https://cms.example.com", "my-client", sec, tok)
			return err
		}, `does not start with "umbraco-back-office-"`},
		{"umbraco secret pasted as client id", func() error {
			_, err := umbraco17.NewAPI("https://cms.example.com", sec, sec, tok)
			return err
		}, `create a user of kind "API"`},
		{"umbraco site over plain http", func() error {
			_, err := umbraco17.NewAPI("http://cms.example.com", umbracoID, sec, tok)
			return err
		}, "use https"},
		{"auth0 domain with scheme", func() error {
			_, err := auth0.NewAPI("https://tenant.eu.auth0.com", "id", sec, tok)
			return err
		}, `give the host name alone, e.g. "tenant.eu.auth0.com"`},
		{"auth0 domain with path", func() error {
			_, err := auth0.NewAPI("tenant.eu.auth0.com/api/v2", "id", sec, tok)
			return err
		}, `has a path`},
		{"auth0 domain with user info", func() error {
			_, err := auth0.NewAPI("https://me:"+sec+"@tenant.eu.auth0.com", "id", sec, tok)
			return err
		}, "has a scheme"},
		{"asgardeo org as URL", func() error {
			_, err := scimusers.NewAPI("https://api.asgardeo.io/t/acme", "id", sec, tok)
			return err
		}, "give only its name"},
		{"asgardeo base URL over plain http", func() error {
			_, err := applications.NewAPI("acme", "id", sec, tok, option.WithBaseURL("http://is.example.com/t/acme"))
			return err
		}, "plain http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.new()
			if err == nil {
				t.Fatal("NewAPI accepted it")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), sec) {
				t.Error("the error repeats the secret")
			}
		})
	}
	if n := len(w.requests()); n != 0 {
		t.Errorf("%d requests were sent; mistakes must fail before any", n)
	}
}
