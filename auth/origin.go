package auth

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Credentials stay on their origin: a token (Transport, RequestEditor, the
// front doors) and the client secret (token requests) are sent only to the
// origin (scheme, host and port) they were meant for. net/http strips
// Authorization on a redirect to another host name by itself, but keeps it
// for another port, a downgrade to http and any subdomain; and a
// RoundTripper below the client adds it again on every hop. This file is the
// one rule all of them use.

// maxRedirects is how many redirects CheckRedirect follows, as net/http's
// default policy.
const maxRedirects = 10

// RedirectError is a redirect refused because it leads to another origin
// (scheme, host and port) than the request it answers was sent to:
// following it would send credentials to a host they are not meant for.
// From and To are origins ("https://host:443"), without path or query.
type RedirectError struct {
	From, To string
}

func (e *RedirectError) Error() string {
	return "auth: refused a redirect from " + e.From + " to " + e.To +
		": credentials are sent only to the origin (scheme, host and port) the client was built for; " +
		"if the new location is trusted, configure it in place of the old one"
}

// CheckRedirect is an http.Client CheckRedirect policy that follows a
// redirect only within the origin of the request that started it, at most
// 10 times, and refuses any other with a *RedirectError (wrapped in the
// client's *url.Error). The front doors use it; give it to the client of a
// generated package when using RequestEditor, which cannot see redirects
// (without it, net/http re-sends the token to another port, over http and to
// subdomains of the same host).
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	if !sameOrigin(via[0].URL, req.URL) {
		return &RedirectError{From: originString(via[0].URL), To: originString(req.URL)}
	}
	if len(via) >= maxRedirects {
		return errors.New("auth: stopped after 10 redirects")
	}
	return nil
}

// chainStart returns the URL of the request that started req's redirect
// chain (req's own for a request that is not a redirect), or nil when a
// redirect does not say where it came from.
func chainStart(req *http.Request) *url.URL {
	r := req
	for r.Response != nil {
		if r.Response.Request == nil {
			return nil
		}
		r = r.Response.Request
	}
	return r.URL
}

// sameOrigin reports whether a and b have the same scheme, host and port
// (the default port of the scheme when none is given). Host names compare
// case-insensitively and exactly otherwise: a subdomain, a trailing dot or
// another spelling of an address is another origin. It does not allocate.
func sameOrigin(a, b *url.URL) bool {
	if a == nil || b == nil || a.Host == "" || b.Host == "" {
		return false
	}
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOf(a) == portOf(b)
}

// portOf is u's port, or the default port of its scheme.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// originString renders u's origin for an error: scheme://host:port, nothing
// else of the URL (no user info, path or query).
func originString(u *url.URL) string {
	if u == nil {
		return "(unknown)"
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), portOf(u))
}

// parseOrigin parses the origin of an absolute http(s) URL.
func parseOrigin(server string) (*url.URL, error) {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("auth: the server URL is not an absolute URL with a host")
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return nil, errors.New("auth: the server URL must be http or https")
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}
