package asgardeotest

import (
	"net/http"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/testkit/kittest"
)

// TestEveryOperation sends a valid request for every operation of every
// API of the organisation (stores off, so each gets the synthesized answer)
// and expects a schema-valid success answer for each.
func TestEveryOperation(t *testing.T) {
	start := time.Now()
	srv := New(t, WithoutStores())
	t.Logf("first New (document load): %v", time.Since(start))
	if n, total := kittest.EveryOperation(t, srv.k); n != total || len(srv.k.Documents()) != 9 || total < 90 {
		t.Errorf("exercised %d of the %d operations of %d documents (9 APIs, over 90 operations)", n, total, len(srv.k.Documents()))
	}
}

// TestTokenEndpoint: a wrong secret is refused, HTTP Basic is accepted.
func TestTokenEndpoint(t *testing.T) {
	srv := New(t, WithOrg("acme"))
	if _, status := kittest.TokenWith(t, srv.k, srv.ClientID(), "wrong"); status != http.StatusUnauthorized {
		t.Fatalf("wrong secret: token endpoint answered %d, want 401", status)
	}
	kittest.Token(t, srv.k)
}
