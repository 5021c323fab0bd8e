// Package auth0 connects to the Management API v2 of an Auth0 tenant.
//
// Connect makes the one connection a program needs (cached
// client-credentials tokens, retries that honour X-RateLimit-Reset, typed
// errors); the operations live in one package per resource, built on it:
//
//	conn, err := auth0.Connect("tenant.eu.auth0.com", clientID, clientSecret)
//	defer conn.Close()
//	u := users.New(conn) // github.com/mgmtapi/mgmtapi/auth0/users
//	for user, err := range u.GetUsersAll(ctx, nil) { ... }
//
// A program compiles only the resource packages it imports; schemas that
// several resources share are in auth0/model.
package auth0

import (
	"net/http"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
	"github.com/mgmtapi/mgmtapi/option"
)

// Conn is an authenticated connection to one tenant's Management API, shared
// by every resource package (users.New(conn), clients.New(conn), ...). It is
// safe for concurrent use; Close it when done.
type Conn struct{ c *frontdoor.Conn }

// Connect returns a connection to the Management API of the Auth0 tenant at
// domain (the bare host name, e.g. "tenant.eu.auth0.com"), authenticated as
// the machine-to-machine application whose credentials are given (token
// audience https://<domain>/api/v2/). A domain with a scheme or a path fails
// here, before any request.
func Connect(domain, clientID, clientSecret string, opts ...option.Option) (*Conn, error) {
	if err := frontdoor.CheckAuth0Domain(domain); err != nil {
		return nil, err
	}
	c, err := frontdoor.Dial(auth.Auth0(domain, clientID, clientSecret), "https://"+domain+"/api/v2", frontdoor.Apply(opts))
	if err != nil {
		return nil, err
	}
	return &Conn{c}, nil
}

// BaseURL is the API's base URL, e.g. "https://tenant.eu.auth0.com/api/v2".
func (c *Conn) BaseURL() string { return c.c.Server }

// HTTPClient is the authenticated client the resource packages send with:
// it adds the token (to this API's origin only) and retries. Use it for a
// call no resource package covers.
func (c *Conn) HTTPClient() *http.Client { return c.c.HTTP }

// Source is the connection's token source.
func (c *Conn) Source() *auth.Source { return c.c.Source() }

// Close stops the background token refresh (unless the Source was given
// with option.WithSource).
func (c *Conn) Close() error { return c.c.Close() }
