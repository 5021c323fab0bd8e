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
func Dial(cfg auth.Config, server string, o Settings) (*Conn, error) {
	if o.BaseURL != "" {
		server = o.BaseURL
	}
	if err := CheckBaseURL(server); err != nil {
		return nil, err
	}
	if o.TokenURL != "" {
		cfg.TokenURL = o.TokenURL
	}
	if o.Scopes != nil {
		cfg.Scopes = o.Scopes
	}
	c := &Conn{Server: server, source: o.Source}
	if c.source == nil {
		aopts := []auth.Option{}
		if o.HTTPClient != nil {
			aopts = append(aopts, auth.WithHTTPClient(o.HTTPClient))
		}
		if o.AuthMetrics != nil {
			aopts = append(aopts, auth.WithMetrics(o.AuthMetrics))
		}
		if o.Logger != nil {
			aopts = append(aopts, auth.WithLogger(o.Logger))
		}
		src, err := auth.New(cfg, append(aopts, o.AuthOpts...)...)
		if err != nil {
			return nil, err
		}
		c.source, c.owned = src, true
	}
	var base http.RoundTripper = http.DefaultTransport
	hc := &http.Client{}
	if o.HTTPClient != nil {
		*hc = *o.HTTPClient
		if o.HTTPClient.Transport != nil {
			base = o.HTTPClient.Transport
		}
	}
	// With telemetry on, the innermost layer counts the requests of each
	// front-door call (retries, auth's 401 replay and redirects included)
	// and the outermost carries the Telemetry for the generated New.
	tel := newTelemetry(o, server)
	if tel != nil {
		w := &wireTransport{base: base}
		if o.Inject {
			w.inject = tel.obs
		}
		base = w
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
	if !o.NoRetry {
		r := retry.Transport{}
		if o.Retry != nil {
			r = *o.Retry
		}
		r.Base = rt
		if r.Logger == nil {
			r.Logger = o.Logger
		}
		rt = &r
	}
	if tel != nil {
		rt = &telemetryTransport{rt: rt, t: tel}
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
