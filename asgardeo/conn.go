// Package asgardeo connects to the management APIs of an Asgardeo
// organisation (or a WSO2 Identity Server tenant): SCIM 2.0 Users, Groups,
// Roles, Bulk, Me and discovery, and Application Management.
//
// Connect makes the one connection every API of the organisation shares:
// one token with the scopes of all the APIs used, one retry stack:
//
//	conn, err := asgardeo.Connect("myorg", clientID, clientSecret,
//		option.WithScopes("internal_user_mgt_list", "internal_group_mgt_view"))
//	defer conn.Close()
//	u := users.New(conn)  // github.com/mgmtapi/mgmtapi/asgardeo/users
//	g := groups.New(conn) // github.com/mgmtapi/mgmtapi/asgardeo/groups
package asgardeo

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
	"github.com/mgmtapi/mgmtapi/option"
)

// Conn is an authenticated connection to one organisation, shared by every
// API package (users.New(conn), applications.New(conn), ...). It is safe for
// concurrent use; Close it when done.
type Conn struct{ c *frontdoor.Conn }

// Connect returns a connection to the Asgardeo organisation org (its name,
// the <org> in https://api.asgardeo.io/t/<org>), authenticated as the
// application whose credentials are given (HTTP Basic). Give the scopes of
// the APIs you call with option.WithScopes; for a self-hosted WSO2 Identity
// Server add option.WithBaseURL (the tenant root, https://host/t/<tenant>):
// the token then comes from <root>/oauth2/token, the tenant's token
// endpoint, unless option.WithTokenURL says otherwise (the credentials never
// go to api.asgardeo.io for a connection to another server). An
// organisation given as a URL fails here.
func Connect(org, clientID, clientSecret string, opts ...option.Option) (*Conn, error) {
	if err := frontdoor.CheckAsgardeoOrg(org); err != nil {
		return nil, err
	}
	s := frontdoor.Apply(opts)
	if s.BaseURL != "" && s.TokenURL == "" {
		s.TokenURL = strings.TrimSuffix(s.BaseURL, "/") + "/oauth2/token"
	}
	c, err := frontdoor.Dial(auth.Asgardeo(org, clientID, clientSecret), "https://api.asgardeo.io/t/"+url.PathEscape(org), s)
	if err != nil {
		return nil, err
	}
	return &Conn{c}, nil
}

// BaseURL is the organisation root every API path is under, e.g.
// "https://api.asgardeo.io/t/myorg" (SCIM at /scim2, applications at
// /api/server/v1).
func (c *Conn) BaseURL() string { return c.c.Server }

// HTTPClient is the authenticated client the API packages send with: it
// adds the token (to this organisation's origin only) and retries. Use it
// for a call no API package covers.
func (c *Conn) HTTPClient() *http.Client { return c.c.HTTP }

// Source is the connection's token source.
func (c *Conn) Source() *auth.Source { return c.c.Source() }

// Close stops the background token refresh (unless the Source was given
// with option.WithSource).
func (c *Conn) Close() error { return c.c.Close() }
