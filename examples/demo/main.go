// Command demo runs the documentation's sample against Umbraco, Auth0 and
// Asgardeo: it obtains a client-credentials token with package auth and
// makes one call with the generated client.
//
//	go run ./examples/demo            # all three
//	go run ./examples/demo umbraco    # one of umbraco, auth0, asgardeo
//
// By default each vendor runs offline: the demo starts a local token server
// (oidc-provider) and Prism serving the fixed spec (run "make fix" first;
// "make demo" does), both on 127.0.0.1, and stops them when done. With a
// vendor's variables set it talks to the real service instead:
//
//	UMBRACO_URL, UMBRACO_CLIENT_ID, UMBRACO_CLIENT_SECRET   GET /umbraco/management/api/v1/user/current
//	AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET      GET /api/v2/clients
//	ASGARDEO_ORG, ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET GET /scim2/Users
//
// A failure (missing or rejected credentials, an API error) is reported as
// one line on stderr, without secrets, and the exit status is 1.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/asgardeo/users"
	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/auth0/clients"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/retry"
	"github.com/mgmtapi/mgmtapi/umbraco/v17/user"
)

// vendor is one demo: its environment variables, the fixed spec served
// offline, and the call.
type vendor struct {
	name string
	api  string // fixed spec (pipeline name) for the offline Prism
	kind contracttest.Vendor
	vars [3]string // base, client id, client secret
	real func(base, id, secret string) (cfg auth.Config, server string)
	call func(ctx context.Context, hc *http.Client, server string) (string, error)
}

var vendors = []vendor{
	{
		name: "umbraco", api: "umbraco17", kind: contracttest.Umbraco,
		vars: [3]string{"UMBRACO_URL", "UMBRACO_CLIENT_ID", "UMBRACO_CLIENT_SECRET"},
		real: func(base, id, secret string) (auth.Config, string) {
			return auth.Umbraco(base, id, secret), strings.TrimRight(base, "/")
		},
		call: umbracoCall,
	},
	{
		name: "auth0", api: "auth0", kind: contracttest.Auth0,
		vars: [3]string{"AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"},
		real: func(domain, id, secret string) (auth.Config, string) {
			d := strings.TrimRight(strings.TrimPrefix(domain, "https://"), "/")
			return auth.Auth0(d, id, secret), "https://" + d + "/api/v2"
		},
		call: auth0Call,
	},
	{
		name: "asgardeo", api: "scimusers", kind: contracttest.Asgardeo,
		vars: [3]string{"ASGARDEO_ORG", "ASGARDEO_CLIENT_ID", "ASGARDEO_CLIENT_SECRET"},
		real: func(org, id, secret string) (auth.Config, string) {
			return auth.Asgardeo(org, id, secret, "internal_user_mgt_list", "internal_user_mgt_view"),
				"https://api.asgardeo.io/t/" + org + "/scim2"
		},
		call: asgardeoCall,
	},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	want := "all"
	if len(os.Args) > 1 {
		want = os.Args[1]
	}
	ran := false
	for _, v := range vendors {
		if want != "all" && want != v.name {
			continue
		}
		ran = true
		if err := run(ctx, v, os.Getenv, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %s\n", v.name, oneLine(err))
			stop()
			os.Exit(1)
		}
	}
	if !ran {
		fmt.Fprintf(os.Stderr, "demo: unknown vendor %q (want umbraco, auth0, asgardeo or all)\n", want)
		os.Exit(2)
	}
}

// run obtains a token and makes the vendor's call, offline unless the
// vendor's variables (read with getenv) are set, and writes the greeting to
// out.
func run(ctx context.Context, v vendor, getenv func(string) string, out io.Writer) error {
	base, id, secret := getenv(v.vars[0]), getenv(v.vars[1]), getenv(v.vars[2])
	var cfg auth.Config
	var server string
	switch {
	case base == "" && id == "" && secret == "":
		ts, err := contracttest.StartTokenServer(v.kind)
		if err != nil {
			return fmt.Errorf("start the local token server: %w", err)
		}
		defer ts.Close()
		spec, err := contracttest.SpecPath(v.api)
		if err != nil {
			return err
		}
		// Static responses: Prism answers with the spec's examples.
		prism, err := testenv.StartPrism(spec)
		if err != nil {
			return fmt.Errorf("start Prism: %w", err)
		}
		defer prism.Close()
		cfg, server = ts.Config, prism.URL
	case base == "" || id == "" || secret == "":
		return fmt.Errorf("set all of %s, %s and %s to use the real service, or none of them to run offline",
			v.vars[0], v.vars[1], v.vars[2])
	default:
		cfg, server = v.real(base, id, secret)
	}

	src, err := auth.New(cfg)
	if err != nil {
		return err
	}
	defer src.Close()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// Ask for the token first, so that rejected credentials are reported
	// as such rather than as a failed API call.
	if _, err := src.Token(tctx); err != nil {
		var ae *auth.Error
		if errors.As(err, &ae) && (ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusBadRequest || ae.StatusCode == http.StatusForbidden) {
			return fmt.Errorf("the token endpoint rejected the credentials in %s/%s (%s)", v.vars[1], v.vars[2], ae.Error())
		}
		return fmt.Errorf("no token: %w", err)
	}
	hc := &http.Client{Transport: &retry.Transport{Base: src.Transport(http.DefaultTransport)}, Timeout: time.Minute}
	line, err := v.call(tctx, hc, server)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, line)
	return err
}

func umbracoCall(ctx context.Context, hc *http.Client, server string) (string, error) {
	c, err := user.NewClientWithResponses(server, user.WithHTTPClient(hc))
	if err != nil {
		return "", err
	}
	me, err := apierror.Checked(c.GetUserCurrentWithResponse(ctx))
	if err != nil {
		return "", err
	}
	if me.JSON200 == nil {
		return "", fmt.Errorf("GET user/current: %d without a user", me.StatusCode())
	}
	return fmt.Sprintf("Hello, %s (%s)", me.JSON200.Name, me.JSON200.Email), nil
}

func auth0Call(ctx context.Context, hc *http.Client, server string) (string, error) {
	c, err := clients.NewClientWithResponses(server, clients.WithHTTPClient(hc))
	if err != nil {
		return "", err
	}
	res, err := apierror.Checked(c.GetClientsWithResponse(ctx, &clients.GetClientsParams{}))
	if err != nil {
		return "", err
	}
	if res.JSON200 == nil {
		return "", fmt.Errorf("GET clients: %d without a body", res.StatusCode())
	}
	var apps []clients.Application
	if list, err := res.JSON200.AsGetClients200JSONResponseBody0(); err == nil {
		apps = list
	} else if page, err := res.JSON200.AsListClientsOffsetPaginatedResponseContent(); err == nil && page.Clients != nil {
		apps = *page.Clients
	}
	names := make([]string, 0, len(apps))
	for _, a := range apps {
		names = append(names, deref(a.Name))
	}
	return fmt.Sprintf("Hello, Auth0 tenant: %d application(s): %s", len(apps), strings.Join(names, ", ")), nil
}

func asgardeoCall(ctx context.Context, hc *http.Client, server string) (string, error) {
	c, err := users.NewClientWithResponses(server, users.WithHTTPClient(hc))
	if err != nil {
		return "", err
	}
	count := int32(10)
	res, err := apierror.Checked(c.ListUsersWithResponse(ctx, &users.ListUsersParams{Count: &count}))
	if err != nil {
		return "", err
	}
	if res.JSON200 == nil {
		return "", fmt.Errorf("GET Users: %d without a body", res.StatusCode())
	}
	var names []string
	if res.JSON200.Resources != nil {
		for _, u := range *res.JSON200.Resources {
			names = append(names, deref(u.UserName))
		}
	}
	return fmt.Sprintf("Hello, Asgardeo organisation: %d of %d user(s): %s", len(names), deref(res.JSON200.TotalResults), strings.Join(names, ", ")), nil
}

func deref[T any](p *T) (v T) {
	if p != nil {
		v = *p
	}
	return v
}

// oneLine flattens an error message to its first line.
func oneLine(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return s
}
