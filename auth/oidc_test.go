package auth

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
)

// These tests run against a real OAuth server: node oidc-provider, started by
// internal/tests/testenv on 127.0.0.1 and stopped by PID.

const (
	basicID, basicSecret = "asgardeo-app", "basic-Secret/+=&%-0123456789"
	postID, postSecret   = "umbraco-back-office-api", "post-Secret/+=&%-0123456789"
)

func oidcClients() []testenv.Client {
	return []testenv.Client{
		{ID: basicID, Secret: basicSecret, AuthMethod: testenv.AuthBasic},
		{ID: postID, Secret: postSecret, AuthMethod: testenv.AuthPost},
	}
}

// TestRealServerPresets sends each preset's request shape to a token path
// like the vendor's: Umbraco (form, credentials in the body), Auth0 (JSON,
// body credentials, audience) and Asgardeo (form, Basic, scopes).
func TestRealServerPresets(t *testing.T) {
	t.Parallel()
	const audience = "https://tenant.example.com/api/v2/"
	tests := []struct {
		name      string
		opts      testenv.TokenServerOptions
		cfg       func(s *testenv.TokenServer) Config
		wantLife  time.Duration
		wantScope string
	}{
		{"umbraco", testenv.TokenServerOptions{TokenPath: "/umbraco/management/api/v1/security/back-office/token", TTL: 299 * time.Second},
			func(s *testenv.TokenServer) Config { return Umbraco(s.URL, postID, postSecret) }, 299 * time.Second, ""},
		{"auth0", testenv.TokenServerOptions{TokenPath: "/oauth/token", TTL: 60 * time.Second, MapAudience: true,
			Resources: map[string]testenv.Resource{audience: {TTL: 86400 * time.Second}}},
			func(s *testenv.TokenServer) Config {
				c := Auth0("tenant.example.com", postID, postSecret)
				c.TokenURL = s.TokenURL // the real server is local
				return c
			}, 24 * time.Hour, ""},
		{"asgardeo", testenv.TokenServerOptions{TokenPath: "/t/acme/oauth2/token", TTL: 3600 * time.Second,
			Scopes: []string{"internal_user_mgt_view", "internal_group_mgt_view", "other"}},
			func(s *testenv.TokenServer) Config {
				c := Asgardeo("acme", basicID, basicSecret, "internal_user_mgt_view", "internal_group_mgt_view")
				c.TokenURL = strings.Replace(c.TokenURL, "https://api.asgardeo.io", s.URL, 1)
				return c
			}, time.Hour, "internal_user_mgt_view internal_group_mgt_view"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.Clients = oidcClients()
			srv := testenv.TokenServerTB(t, tt.opts)
			src := mustNew(t, tt.cfg(srv))
			sent := time.Now()
			tok, err := src.Token(t.Context())
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if life := tok.Expiry.Sub(sent); life > tt.wantLife+time.Second || life < tt.wantLife-5*time.Second {
				t.Fatalf("lifetime %s, want %s", life, tt.wantLife)
			}
			if got, _ := tok.Extra("scope").(string); got != tt.wantScope {
				t.Fatalf("scope %q, want %q", got, tt.wantScope)
			}
			for range 10 {
				again, err := src.Token(t.Context())
				if err != nil || again.AccessToken != tok.AccessToken {
					t.Fatalf("token not reused: %v", err)
				}
			}
			st, err := srv.Stats()
			if err != nil {
				t.Fatal(err)
			}
			if st.TokenRequests != 1 || st.TokensIssued != 1 {
				t.Fatalf("server stats %+v, want one request", st)
			}
		})
	}
}

// TestRealServerRejects: wrong credentials and the wrong client-auth style
// become a typed invalid_client error without the secret.
func TestRealServerRejects(t *testing.T) {
	t.Parallel()
	srv := testenv.TokenServerTB(t, testenv.TokenServerOptions{Clients: oidcClients()})
	tests := []struct {
		name string
		cfg  Config
	}{
		{"wrong secret basic", Config{TokenURL: srv.TokenURL, ClientID: basicID, ClientSecret: "wrong-" + basicSecret}},
		{"wrong secret body", Config{TokenURL: srv.TokenURL, ClientID: postID, ClientSecret: "wrong-" + postSecret, AuthStyle: AuthBody}},
		{"basic client sends body", Config{TokenURL: srv.TokenURL, ClientID: basicID, ClientSecret: basicSecret, AuthStyle: AuthBody}},
		{"body client sends basic", Config{TokenURL: srv.TokenURL, ClientID: postID, ClientSecret: postSecret, AuthStyle: AuthBasic}},
		{"unknown client", Config{TokenURL: srv.TokenURL, ClientID: "nobody", ClientSecret: basicSecret}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := mustNew(t, tt.cfg)
			_, err := src.Token(t.Context())
			var ae *Error
			if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "invalid_client" {
				t.Fatalf("got %v, want 401 invalid_client", err)
			}
			msg := err.Error() + ae.Body
			for _, s := range []string{tt.cfg.ClientSecret, url.QueryEscape(tt.cfg.ClientSecret)} {
				if strings.Contains(msg, s) {
					t.Fatal("error contains the secret")
				}
			}
		})
	}
}

// TestRealServerRefresh uses 4-second tokens and a stale window of the last
// three quarters (refresh after 1 s, leaving ample time for a loaded CI
// machine): a caller polling for 4 s sees tokens replaced in the background
// before they expire, never gets an error, and every fetch is one issued
// token.
func TestRealServerRefresh(t *testing.T) {
	t.Parallel()
	srv := testenv.TokenServerTB(t, testenv.TokenServerOptions{TTL: 4 * time.Second, Clients: oidcClients()})
	src := mustNew(t, Config{TokenURL: srv.TokenURL, ClientID: basicID, ClientSecret: basicSecret},
		WithRefreshWindow(0.75, 0))
	expiry := map[string]time.Time{}
	var order []string
	var firstSeen []time.Time
	deadline := time.Now().Add(4 * time.Second)
	for time.Now().Before(deadline) {
		tok, err := src.Token(t.Context())
		now := time.Now()
		if err != nil {
			t.Fatalf("Token: %v", err)
		}
		if now.After(tok.Expiry) {
			t.Fatalf("served a token past its expiry")
		}
		if _, ok := expiry[tok.AccessToken]; !ok {
			expiry[tok.AccessToken] = tok.Expiry
			order = append(order, tok.AccessToken)
			firstSeen = append(firstSeen, now)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(order) < 3 {
		t.Fatalf("saw %d tokens in 4 s of 4-s tokens refreshed after 1 s, want >= 3", len(order))
	}
	// Each new token was in hand while the previous one was still valid:
	// the refresh happened in the background, not at expiry.
	for i := 1; i < len(order); i++ {
		if !firstSeen[i].Before(expiry[order[i-1]]) {
			t.Errorf("token %d first served %s after the previous token expired", i, firstSeen[i].Sub(expiry[order[i-1]]))
		}
	}
	waitFor(t, "background fetch", src.inflightIdle)
	st, err := srv.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.TokenRequests != len(order) && st.TokenRequests != len(order)+1 {
		// +1: a background refresh may have finished after the last poll.
		t.Fatalf("server saw %d requests for %d tokens", st.TokenRequests, len(order))
	}
}
