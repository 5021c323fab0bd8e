package frontdoor

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// UmbracoClientIDPrefix starts the client id of every Umbraco API user.
const UmbracoClientIDPrefix = "umbraco-back-office-"

// CheckBaseURL accepts an absolute https URL, or http when the host is
// loopback (a local test server), without user info, query or fragment.
func CheckBaseURL(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("frontdoor: the base URL is empty: give the API's https URL")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return errors.New("frontdoor: the base URL is not an absolute URL: give it as https://host[/path]")
	}
	if u.User != nil {
		return errors.New("frontdoor: the base URL must not contain user info: pass credentials as the client id and secret")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("frontdoor: the base URL %s must not have a query or fragment: give only scheme, host and path", u.Scheme+"://"+u.Host+u.Path)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if loopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("frontdoor: the base URL %s uses plain http: tokens would travel unencrypted; use https (http is accepted only for loopback hosts)", u.Scheme+"://"+u.Host+u.Path)
	}
	return fmt.Errorf("frontdoor: the base URL has scheme %q: use https", u.Scheme)
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckUmbraco checks the site URL and that clientID is an Umbraco API
// user's client id. The id is not repeated in the error: a secret pasted in
// the wrong place must not end up in a log.
func CheckUmbraco(baseURL, clientID string) error {
	if err := CheckBaseURL(baseURL); err != nil {
		return fmt.Errorf("umbraco: %w", err)
	}
	if !strings.HasPrefix(clientID, UmbracoClientIDPrefix) {
		return errors.New(`umbraco: the client id does not start with "` + UmbracoClientIDPrefix +
			`": Umbraco accepts client credentials only of an API user; in the back office open Users, create a user of kind "API", add client credentials, and use the full client id it shows (Umbraco adds the prefix)`)
	}
	return nil
}

// CheckAuth0Domain checks that domain is a bare tenant host name such as
// "tenant.eu.auth0.com" (or a custom domain), as Auth0 shows it.
func CheckAuth0Domain(domain string) error {
	switch {
	case strings.TrimSpace(domain) == "":
		return errors.New(`auth0: the domain is empty: give the tenant's domain, e.g. "tenant.eu.auth0.com" (Applications > your M2M application > Settings > Domain)`)
	case strings.Contains(domain, "://"):
		return fmt.Errorf(`auth0: the domain %q has a scheme: give the host name alone, e.g. %q; the client adds https:// and /api/v2`, clip(domain), clip(hostOf(domain)))
	case strings.ContainsAny(domain, "/?#@ "):
		return fmt.Errorf(`auth0: the domain %q has a path or other URL parts: give the host name alone, e.g. %q; the client adds /api/v2`, clip(domain), clip(hostOf(domain)))
	}
	return nil
}

// CheckAsgardeoOrg checks that org is an organisation name (the <org> of
// https://api.asgardeo.io/t/<org>), not a URL.
func CheckAsgardeoOrg(org string) error {
	switch {
	case strings.TrimSpace(org) == "":
		return errors.New(`asgardeo: the organisation is empty: give its name, the <org> in https://console.asgardeo.io/t/<org>`)
	case strings.Contains(org, "://"), strings.ContainsAny(org, "/?#@: "):
		return fmt.Errorf(`asgardeo: the organisation %q looks like a URL: give only its name, the <org> in https://api.asgardeo.io/t/<org> (for a self-hosted WSO2 Identity Server use frontdoor.WithBaseURL and frontdoor.WithTokenURL)`, clip(org))
	}
	return nil
}

// hostOf extracts the host of something URL-like for a suggestion.
func hostOf(s string) string {
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if _, h, ok := strings.Cut(s, "@"); ok {
		s = h
	}
	return s
}

// clip bounds a caller's value quoted in an error and drops user info, so
// that "https://user:secret@host" does not reach a log.
func clip(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = nil
		s = u.String()
	}
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return s
}
