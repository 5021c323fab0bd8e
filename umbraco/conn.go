// Package umbraco connects to the Management API of an Umbraco CMS site.
//
// Connect makes the one connection a program needs (cached
// client-credentials tokens of an API user, retries, typed errors); the
// operations live in one package per resource and version, built on it:
//
//	conn, err := umbraco.Connect("https://example.com", "umbraco-back-office-my-api-user", secret)
//	defer conn.Close()
//	d := document.New(conn) // github.com/mgmtapi/mgmtapi/umbraco/v17/document
//
// Versions 17 (LTS) and 18 are under umbraco/v17 and umbraco/v18; a program
// compiles only the resource packages it imports.
package umbraco

import (
	"net/http"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
	"github.com/mgmtapi/mgmtapi/option"
)

// Conn is an authenticated connection to one Umbraco site's Management API,
// shared by every resource package. It is safe for concurrent use; Close it
// when done.
type Conn struct{ c *frontdoor.Conn }

// Connect returns a connection to the Umbraco site at baseURL (the site
// root, e.g. "https://example.com"), authenticated as the API user whose
// client credentials are given (the id starts with "umbraco-back-office-").
// A client id without that prefix, or a plain-http URL off loopback, fails
// here, before any request.
func Connect(baseURL, clientID, clientSecret string, opts ...option.Option) (*Conn, error) {
	if err := frontdoor.CheckUmbraco(baseURL, clientID); err != nil {
		return nil, err
	}
	c, err := frontdoor.Dial(auth.Umbraco(baseURL, clientID, clientSecret), baseURL, frontdoor.Apply(opts))
	if err != nil {
		return nil, err
	}
	return &Conn{c}, nil
}

// BaseURL is the site root the API paths are relative to.
func (c *Conn) BaseURL() string { return c.c.Server }

// HTTPClient is the authenticated client the resource packages send with:
// it adds the token (to this site's origin only) and retries. Use it for a
// call no resource package covers.
func (c *Conn) HTTPClient() *http.Client { return c.c.HTTP }

// Source is the connection's token source.
func (c *Conn) Source() *auth.Source { return c.c.Source() }

// Close stops the background token refresh (unless the Source was given
// with option.WithSource).
func (c *Conn) Close() error { return c.c.Close() }
