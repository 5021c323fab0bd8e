package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact"
)

// AuthStyle says how the client authenticates to the token endpoint
// (RFC 6749 §2.3.1).
type AuthStyle int

const (
	// AuthBasic sends the client id and secret in an HTTP Basic
	// Authorization header, each form-urlencoded first as RFC 6749 §2.3.1
	// requires. Every compliant server supports it; it is the default.
	AuthBasic AuthStyle = iota
	// AuthBody sends client_id and client_secret as request parameters, as
	// Umbraco and Auth0 expect.
	AuthBody
)

// Encoding is the body format of the token request.
type Encoding int

const (
	// EncodingForm sends application/x-www-form-urlencoded, the format of
	// RFC 6749. It is the default.
	EncodingForm Encoding = iota
	// EncodingJSON sends a JSON object, as Auth0 documents.
	EncodingJSON
)

// Config says where and how to ask for client-credentials tokens. Its fmt and
// slog renderings never show ClientSecret or the values of Params.
type Config struct {
	// TokenURL is the token endpoint. It must be https unless the host is
	// loopback (127.0.0.0/8, ::1, localhost) or AllowInsecureHTTP is used.
	TokenURL string
	// ClientID and ClientSecret are the client's credentials. Both are
	// required.
	ClientID, ClientSecret string
	// Scopes are sent space-separated as the scope parameter.
	Scopes []string
	// Audience is Auth0's audience parameter (the API the token is for).
	Audience string
	// Resource is the RFC 8707 resource indicator.
	Resource string
	// AuthStyle selects HTTP Basic (default) or credentials in the body.
	AuthStyle AuthStyle
	// Encoding selects a form (default) or JSON request body.
	Encoding Encoding
	// Params are extra request parameters. They must not repeat the
	// parameters that have a field above, nor grant_type.
	Params url.Values
}

// Umbraco returns the Config for an Umbraco API user: baseURL is the site
// root, e.g. "https://example.com". Umbraco expects the credentials in a form
// body. Its tokens live about 300 seconds.
func Umbraco(baseURL, clientID, clientSecret string) Config {
	return Config{
		TokenURL:     strings.TrimRight(baseURL, "/") + "/umbraco/management/api/v1/security/back-office/token",
		ClientID:     clientID,
		ClientSecret: clientSecret,
		AuthStyle:    AuthBody,
		Encoding:     EncodingForm,
	}
}

// Auth0 returns the Config for an Auth0 machine-to-machine application that
// calls the Management API of the tenant at domain ("tenant.eu.auth0.com";
// a scheme may be given and is then kept). Auth0 expects a JSON body with the
// credentials and the audience "https://<domain>/api/v2/".
func Auth0(domain, clientID, clientSecret string) Config {
	origin := strings.TrimRight(domain, "/")
	if !strings.Contains(origin, "://") {
		origin = "https://" + origin
	}
	host := origin[strings.Index(origin, "://")+3:]
	return Config{
		TokenURL:     origin + "/oauth/token",
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Audience:     "https://" + host + "/api/v2/",
		AuthStyle:    AuthBody,
		Encoding:     EncodingJSON,
	}
}

// Asgardeo returns the Config for an Asgardeo application of organisation
// org that calls the Asgardeo management APIs with the given scopes
// (e.g. "internal_user_mgt_view"). Asgardeo expects HTTP Basic
// authentication and a form body.
func Asgardeo(org, clientID, clientSecret string, scopes ...string) Config {
	return Config{
		TokenURL:     "https://api.asgardeo.io/t/" + url.PathEscape(org) + "/oauth2/token",
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Scopes:       scopes,
		AuthStyle:    AuthBasic,
		Encoding:     EncodingForm,
	}
}

// validate checks c and returns the parsed token URL.
func (c Config) validate(allowInsecure bool) (*url.URL, error) {
	if c.TokenURL == "" {
		return nil, errors.New("auth: Config.TokenURL is empty")
	}
	u, err := url.Parse(c.TokenURL)
	if err != nil {
		return nil, errors.New("auth: Config.TokenURL is not a valid URL")
	}
	if u.User != nil {
		return nil, errors.New("auth: Config.TokenURL must not contain user info; use ClientID and ClientSecret")
	}
	if !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("auth: Config.TokenURL %q must be an absolute URL", redact.URL(u))
	}
	if u.Fragment != "" {
		return nil, fmt.Errorf("auth: Config.TokenURL %q must not have a fragment", redact.URL(u))
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !allowInsecure && !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("auth: Config.TokenURL %q must use https (http is allowed only for loopback hosts or with AllowInsecureHTTP)", redact.URL(u))
		}
	default:
		return nil, fmt.Errorf("auth: Config.TokenURL %q must use https", redact.URL(u))
	}
	if strings.TrimSpace(c.ClientID) == "" {
		return nil, errors.New("auth: Config.ClientID is empty")
	}
	if c.ClientSecret == "" {
		return nil, errors.New("auth: Config.ClientSecret is empty")
	}
	if c.AuthStyle != AuthBasic && c.AuthStyle != AuthBody {
		return nil, fmt.Errorf("auth: Config.AuthStyle %d is not AuthBasic or AuthBody", int(c.AuthStyle))
	}
	if c.Encoding != EncodingForm && c.Encoding != EncodingJSON {
		return nil, fmt.Errorf("auth: Config.Encoding %d is not EncodingForm or EncodingJSON", int(c.Encoding))
	}
	// These are set from Config fields and may not be in Params.
	for _, k := range [...]string{"grant_type", "client_id", "client_secret", "scope", "audience", "resource"} {
		if _, ok := c.Params[k]; ok {
			return nil, fmt.Errorf("auth: Config.Params must not contain %q; it is set from Config", k)
		}
	}
	for _, s := range c.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n\"\\") {
			return nil, fmt.Errorf("auth: Config.Scopes: %q is not a valid scope token", s)
		}
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

const redacted = "[REDACTED]"

// String describes c with the secret redacted.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString("auth.Config{TokenURL: ")
	b.WriteString(c.safeURL())
	b.WriteString(", ClientID: ")
	b.WriteString(c.ClientID)
	b.WriteString(", ClientSecret: ")
	b.WriteString(c.secretMark())
	if len(c.Scopes) > 0 {
		fmt.Fprintf(&b, ", Scopes: %q", c.Scopes)
	}
	if c.Audience != "" {
		b.WriteString(", Audience: " + c.Audience)
	}
	if c.Resource != "" {
		b.WriteString(", Resource: " + c.Resource)
	}
	b.WriteString(", AuthStyle: " + c.AuthStyle.String())
	b.WriteString(", Encoding: " + c.Encoding.String())
	if len(c.Params) > 0 {
		b.WriteString(", Params: " + c.paramKeys())
	}
	b.WriteString("}")
	return b.String()
}

// GoString is like String; it makes %#v safe too.
func (c Config) GoString() string { return c.String() }

// Format makes every fmt verb (%v, %+v, %#v, %s, %q) print the redacted
// String.
func (c Config) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	_, _ = f.Write([]byte(c.String()))
}

// LogValue renders c for log/slog without the secret.
func (c Config) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("token_url", c.safeURL()),
		slog.String("client_id", c.ClientID),
		slog.String("client_secret", c.secretMark()),
		slog.String("auth_style", c.AuthStyle.String()),
		slog.String("encoding", c.Encoding.String()),
	}
	if len(c.Scopes) > 0 {
		attrs = append(attrs, slog.String("scope", strings.Join(c.Scopes, " ")))
	}
	if c.Audience != "" {
		attrs = append(attrs, slog.String("audience", c.Audience))
	}
	if c.Resource != "" {
		attrs = append(attrs, slog.String("resource", c.Resource))
	}
	return slog.GroupValue(attrs...)
}

func (c Config) secretMark() string {
	if c.ClientSecret == "" {
		return `""`
	}
	return redacted
}

func (c Config) safeURL() string {
	u, err := url.Parse(c.TokenURL)
	if err != nil {
		return "[unparsable URL]"
	}
	return redact.URL(u)
}

func (c Config) paramKeys() string {
	keys := slices.Sorted(maps.Keys(c.Params))
	for i, k := range keys {
		keys[i] = k + "=" + redacted
	}
	return "[" + strings.Join(keys, " ") + "]"
}

// String names the style.
func (s AuthStyle) String() string {
	switch s {
	case AuthBasic:
		return "basic"
	case AuthBody:
		return "body"
	}
	return fmt.Sprintf("AuthStyle(%d)", int(s))
}

// String names the encoding.
func (e Encoding) String() string {
	switch e {
	case EncodingForm:
		return "form"
	case EncodingJSON:
		return "json"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}
