package frontdoor

import (
	"net/http"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/retry"
)

// Conn is what a front door sends requests through: the API's base URL and
// an *http.Client that authenticates every request to the API's origin
// (auth), retries transient failures (retry) and refuses redirects to
// another origin (auth.CheckRedirect).
type Conn struct {
	// Server is the API's base URL.
	Server string
	// HTTP sends the API requests.
	HTTP *http.Client

	source *auth.Source
	owned  bool
}

// Dial checks server, builds the token Source for cfg (unless WithSource
// gives one) and the authenticated, retrying *http.Client. The generated
// constructors call it after their vendor-specific credential checks.
func Dial(cfg auth.Config, server string, opts ...Option) (*Conn, error) {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.baseURL != "" {
		server = o.baseURL
	}
	if err := CheckBaseURL(server); err != nil {
		return nil, err
	}
	if o.tokenURL != "" {
		cfg.TokenURL = o.tokenURL
	}
	if o.scopes != nil {
		cfg.Scopes = o.scopes
	}
	c := &Conn{Server: server, source: o.source}
	if c.source == nil {
		aopts := []auth.Option{}
		if o.httpClient != nil {
			aopts = append(aopts, auth.WithHTTPClient(o.httpClient))
		}
		if o.logger != nil {
			aopts = append(aopts, auth.WithLogger(o.logger))
		}
		src, err := auth.New(cfg, append(aopts, o.authOpts...)...)
		if err != nil {
			return nil, err
		}
		c.source, c.owned = src, true
	}
	var base http.RoundTripper = http.DefaultTransport
	hc := &http.Client{}
	if o.httpClient != nil {
		*hc = *o.httpClient
		if o.httpClient.Transport != nil {
			base = o.httpClient.Transport
		}
	}
	// The token goes only to the API's origin (auth.TransportFor), and the
	// client refuses to follow a redirect elsewhere with a clear error,
	// unless the caller's client brings its own redirect policy.
	rt, err := c.source.TransportFor(server, base)
	if err != nil {
		c.Close()
		return nil, err
	}
	if hc.CheckRedirect == nil {
		hc.CheckRedirect = auth.CheckRedirect
	}
	if !o.noRetry {
		r := retry.Transport{}
		if o.retry != nil {
			r = *o.retry
		}
		r.Base = rt
		if r.Logger == nil {
			r.Logger = o.logger
		}
		rt = &r
	}
	hc.Transport = rt
	c.HTTP = hc
	return c, nil
}

// Source is the token Source of the connection.
func (c *Conn) Source() *auth.Source { return c.source }

// Close stops the token Source's background refresh, unless it was given
// with WithSource (its owner closes it then).
func (c *Conn) Close() error {
	if c == nil || !c.owned {
		return nil
	}
	return c.source.Close()
}
