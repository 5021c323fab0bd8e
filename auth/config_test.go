package auth

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

func TestNewValidation(t *testing.T) {
	ok := func(u string) Config { return Config{TokenURL: u, ClientID: "id", ClientSecret: testSecret} }
	tests := []struct {
		name    string
		cfg     Config
		opts    []Option
		wantErr string // substring; "" means success
	}{
		{"https", ok("https://auth.example.com/oauth/token"), nil, ""},
		{"http loopback v4", ok("http://127.0.0.1:8080/token"), nil, ""},
		{"http loopback 127/8", ok("http://127.9.8.7/token"), nil, ""},
		{"http loopback v6", ok("http://[::1]:8080/token"), nil, ""},
		{"http localhost", ok("http://localhost/token"), nil, ""},
		{"http remote", ok("http://auth.example.com/token"), nil, "must use https"},
		{"http remote allowed", ok("http://auth.example.com/token"), []Option{AllowInsecureHTTP()}, ""},
		{"http remote 10/8", ok("http://10.0.0.1/token"), nil, "must use https"},
		{"ftp", ok("ftp://auth.example.com/token"), nil, "must use https"},
		{"relative", ok("/oauth/token"), nil, "absolute"},
		{"empty url", ok(""), nil, "TokenURL is empty"},
		{"garbage url", ok("https://exa mple.com/%zz"), nil, "not a valid URL"},
		{"user info", ok("https://user:pw@auth.example.com/token"), nil, "user info"},
		{"fragment", ok("https://auth.example.com/token#x"), nil, "fragment"},
		{"no client id", Config{TokenURL: "https://a.example/t", ClientSecret: testSecret}, nil, "ClientID is empty"},
		{"no secret", Config{TokenURL: "https://a.example/t", ClientID: "i"}, nil, "ClientSecret is empty"},
		{"bad auth style", func() Config { c := ok("https://a.example/t"); c.AuthStyle = 7; return c }(), nil, "AuthStyle"},
		{"bad encoding", func() Config { c := ok("https://a.example/t"); c.Encoding = 9; return c }(), nil, "Encoding"},
		{"reserved param", func() Config { c := ok("https://a.example/t"); c.Params = url.Values{"client_secret": {"x"}}; return c }(), nil, "client_secret"},
		{"bad scope", func() Config { c := ok("https://a.example/t"); c.Scopes = []string{"a b"}; return c }(), nil, "scope"},
		{"extra param", func() Config {
			c := ok("https://a.example/t")
			c.Params = url.Values{"organization": {"org_1"}}
			return c
		}(), nil, ""},
		{"zero timeout", ok("https://a.example/t"), []Option{WithTimeout(0)}, "WithTimeout"},
		{"window 1", ok("https://a.example/t"), []Option{WithRefreshWindow(1, 0)}, "fraction"},
		{"window NaN", ok("https://a.example/t"), []Option{WithRefreshWindow(0.2, 2)}, "jitter"},
		{"backoff", ok("https://a.example/t"), []Option{WithBackoff(0, 1)}, "WithBackoff"},
		{"nil option", ok("https://a.example/t"), []Option{nil}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg, tt.opts...)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				s.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want it to contain %q", err, tt.wantErr)
			}
			if tt.cfg.ClientSecret != "" && strings.Contains(err.Error(), tt.cfg.ClientSecret) {
				t.Fatal("error contains the client secret")
			}
			if strings.Contains(err.Error(), "pw@") {
				t.Fatal("error contains URL user info")
			}
		})
	}
}

func TestPresets(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want Config
	}{
		{"umbraco", Umbraco("https://cms.example.com/", "umbraco-back-office-api", "sec"), Config{
			TokenURL: "https://cms.example.com/umbraco/management/api/v1/security/back-office/token",
			ClientID: "umbraco-back-office-api", ClientSecret: "sec", AuthStyle: AuthBody, Encoding: EncodingForm}},
		{"auth0", Auth0("tenant.eu.auth0.com", "m2m", "sec"), Config{
			TokenURL: "https://tenant.eu.auth0.com/oauth/token", ClientID: "m2m", ClientSecret: "sec",
			Audience: "https://tenant.eu.auth0.com/api/v2/", AuthStyle: AuthBody, Encoding: EncodingJSON}},
		{"auth0 with scheme", Auth0("https://tenant.eu.auth0.com/", "m2m", "sec"), Config{
			TokenURL: "https://tenant.eu.auth0.com/oauth/token", ClientID: "m2m", ClientSecret: "sec",
			Audience: "https://tenant.eu.auth0.com/api/v2/", AuthStyle: AuthBody, Encoding: EncodingJSON}},
		{"asgardeo", Asgardeo("acme", "app", "sec", "internal_user_mgt_view", "internal_group_mgt_view"), Config{
			TokenURL: "https://api.asgardeo.io/t/acme/oauth2/token", ClientID: "app", ClientSecret: "sec",
			Scopes: []string{"internal_user_mgt_view", "internal_group_mgt_view"}, AuthStyle: AuthBasic, Encoding: EncodingForm}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Compare through a secret-revealing rendering local to the test.
			got := fmt.Sprintf("%s|%s|%s|%q|%s|%s|%v|%v", tt.cfg.TokenURL, tt.cfg.ClientID, tt.cfg.ClientSecret, tt.cfg.Scopes, tt.cfg.Audience, tt.cfg.Resource, tt.cfg.AuthStyle, tt.cfg.Encoding)
			want := fmt.Sprintf("%s|%s|%s|%q|%s|%s|%v|%v", tt.want.TokenURL, tt.want.ClientID, tt.want.ClientSecret, tt.want.Scopes, tt.want.Audience, tt.want.Resource, tt.want.AuthStyle, tt.want.Encoding)
			if got != want {
				t.Fatalf("got  %s\nwant %s", got, want)
			}
			if _, err := New(tt.cfg); err != nil {
				t.Fatalf("preset does not validate: %v", err)
			}
		})
	}
}

func TestNoSecretInFormatting(t *testing.T) {
	te := newTokenEndpoint(t, 300, nil)
	cfg := testConfig(te.URL + "/token?tenant=x")
	cfg.Params = url.Values{"api_key": {"param-secret-value"}}
	cfg.Scopes = []string{"read"}
	src := mustNew(t, cfg)
	tok, err := src.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l.Info("cfg", "cfg", cfg, "src", src)
	l.Info("ptr", "cfg", &cfg)
	out := []string{logs.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		out = append(out, fmt.Sprintf(verb, cfg), fmt.Sprintf(verb, &cfg), fmt.Sprintf(verb, src),
			fmt.Sprintf(verb, []any{cfg, src}), fmt.Sprintf(verb, struct{ C Config }{cfg}))
	}
	for i, s := range out {
		for _, secret := range []string{testSecret, "param-secret-value", tok.AccessToken} {
			if strings.Contains(s, secret) {
				t.Errorf("output %d leaks a secret", i)
			}
		}
	}
	if !strings.Contains(fmt.Sprint(cfg), "client-1") || !strings.Contains(fmt.Sprint(cfg), "[REDACTED]") {
		t.Errorf("Config renders without id or redaction mark")
	}
}
