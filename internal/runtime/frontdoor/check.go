package frontdoor

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
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
	case "http":
		if !loopback(u.Hostname()) {
			return fmt.Errorf("frontdoor: the base URL %s uses plain http: tokens would travel unencrypted; use https (http is accepted only for loopback hosts)", u.Scheme+"://"+u.Host+u.Path)
		}
	default:
		return fmt.Errorf("frontdoor: the base URL has scheme %q: use https", u.Scheme)
	}
	if err := checkHost(u.Host); err != nil {
		return fmt.Errorf("frontdoor: the base URL %s: %w", u.Scheme+"://"+u.Host, err)
	}
	for seg := range strings.SplitSeq(u.EscapedPath(), "/") {
		if !cleanSegment(seg) {
			return fmt.Errorf("frontdoor: the base URL %s has the path segment %q, which a server may read as another place (a dot segment, an encoded / or \\, or ;): give the path as the API documents it", u.Scheme+"://"+u.Host, seg)
		}
	}
	return nil
}

// cleanSegment reports whether seg, an escaped path segment, means only
// itself: not "." or ".." once decoded (RFC 3986 lets a server decode %2E
// before removing dot segments) nor once a ";parameter" is cut off (as
// Tomcat does), and without a / or \ that a decoding server or proxy would
// take for a separator.
func cleanSegment(seg string) bool {
	dec, err := url.PathUnescape(seg)
	if err != nil || strings.ContainsAny(dec, "/\\") {
		return false
	}
	dec, _, _ = strings.Cut(dec, ";")
	return dec != "." && dec != ".."
}

// checkHost accepts host[:port] where host is a DNS name (labels of
// letters, digits, "-" and "_", no empty label) or an IP address, and port
// a number from 1 to 65535.
func checkHost(hostport string) error {
	host, port := hostport, ""
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end < 0 || net.ParseIP(host[1:end]) == nil {
			return errors.New("the host is not a valid IPv6 address")
		}
		host, port = host[1:end], host[end+1:]
		if port != "" && !strings.HasPrefix(port, ":") {
			return errors.New("the host has characters after its address")
		}
		port = strings.TrimPrefix(port, ":")
	} else if h, p, ok := strings.Cut(host, ":"); ok {
		host, port = h, p
		if port == "" {
			return errors.New("the port is empty")
		}
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return errors.New("the port is not a number from 1 to 65535")
		}
	}
	if net.ParseIP(host) != nil {
		return nil
	}
	if host == "" || len(host) > 253 {
		return errors.New("the host name is empty or longer than 253 characters")
	}
	for label := range strings.SplitSeq(host, ".") {
		if label == "" || len(label) > 63 {
			return errors.New("the host name has an empty label or one longer than 63 characters (no leading, trailing or double dot)")
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return errors.New("the host name may hold only letters, digits, \"-\", \"_\" and dots (give an internationalised name in its xn-- form)")
			}
		}
	}
	return nil
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
// "tenant.eu.auth0.com" (or a custom domain), optionally with a port, as
// Auth0 shows it: one clean host name, nothing a URL could read as a path,
// user info or another host.
func CheckAuth0Domain(domain string) error {
	switch {
	case strings.TrimSpace(domain) == "":
		return errors.New(`auth0: the domain is empty: give the tenant's domain, e.g. "tenant.eu.auth0.com" (Applications > your M2M application > Settings > Domain)`)
	case strings.Contains(domain, "://"):
		return fmt.Errorf(`auth0: the domain %q has a scheme: give the host name alone, e.g. %q; the client adds https:// and /api/v2`, shown(domain), shown(hostOf(domain)))
	case strings.ContainsAny(domain, "/\\?#@%; "):
		return fmt.Errorf(`auth0: the domain %q has a path or other URL parts: give the host name alone, e.g. %q; the client adds /api/v2`, shown(domain), shown(hostOf(domain)))
	}
	if err := checkHost(domain); err != nil {
		return fmt.Errorf(`auth0: the domain %q is not a host name: %w; give it as Auth0 shows it, e.g. "tenant.eu.auth0.com"`, shown(domain), err)
	}
	return nil
}

// CheckAsgardeoOrg checks that org is an organisation name (the <org> of
// https://api.asgardeo.io/t/<org>), not a URL: one clean path segment of
// letters, digits, ".", "-" and "_", and not "." or "..", which would move
// the token request and the API calls out of /t/<org>/.
func CheckAsgardeoOrg(org string) error {
	switch {
	case strings.TrimSpace(org) == "":
		return errors.New(`asgardeo: the organisation is empty: give its name, the <org> in https://console.asgardeo.io/t/<org>`)
	case strings.Contains(org, "://"), strings.ContainsAny(org, "/\\?#@: "):
		return fmt.Errorf(`asgardeo: the organisation %q looks like a URL: give only its name, the <org> in https://api.asgardeo.io/t/<org> (for a self-hosted WSO2 Identity Server use option.WithBaseURL and option.WithTokenURL)`, shown(org))
	case org == "." || org == "..":
		return fmt.Errorf(`asgardeo: the organisation %q is a dot segment, not a name: give the <org> in https://console.asgardeo.io/t/<org>`, org)
	}
	for _, r := range org {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return fmt.Errorf(`asgardeo: the organisation %q holds %q: an organisation name has only letters, digits, ".", "-" and "_" (give the <org> in https://console.asgardeo.io/t/<org> as it is shown, not percent-encoded)`, shown(org), r)
		}
	}
	return nil
}

// hostOf extracts the host of something URL-like for a suggestion.
func hostOf(s string) string {
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:] // user info first: a password may hold / ? or #
	}
	if i := strings.IndexAny(s, "/\\?#"); i >= 0 {
		s = s[:i]
	}
	return s
}

// shown is a caller's value as an error may quote it: without user info
// (everything up to the last "@", also without a scheme), query or
// fragment, and at most 100 bytes, so that "https://user:secret@host/?key=…"
// does not reach a log.
func shown(s string) string {
	scheme := ""
	if i := strings.Index(s, "://"); i >= 0 {
		scheme, s = s[:i+3], s[i+3:]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	s = scheme + s
	if len(s) > 100 {
		s = strings.ToValidUTF8(s[:100], "") + "…"
	}
	return s
}
