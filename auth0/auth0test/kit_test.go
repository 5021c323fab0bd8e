package auth0test

import (
	"net/http"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/testkit/kittest"
)

// TestEveryOperation sends a valid request for every operation of the
// Management API and expects a schema-valid success answer for each (the
// server fails the test on any answer that does not match the document).
func TestEveryOperation(t *testing.T) {
	start := time.Now()
	srv := New(t, WithoutStores())
	t.Logf("first New (document load): %v", time.Since(start))
	if n, total := kittest.EveryOperation(t, srv.k); n != total || total < 400 {
		t.Errorf("exercised %d of the document's %d operations (the Management API has over 400)", n, total)
	}
}

// TestTokenEndpoint: the right credentials get a token the API accepts,
// a wrong secret is refused.
func TestTokenEndpoint(t *testing.T) {
	srv := New(t)
	if _, status := kittest.TokenWith(t, srv.k, srv.ClientID(), "wrong"); status != http.StatusUnauthorized {
		t.Fatalf("wrong secret: token endpoint answered %d, want 401", status)
	}
	if srv.TokensIssued() != 0 {
		t.Fatalf("a token was issued for a wrong secret")
	}
	kittest.Token(t, srv.k)
	if srv.TokensIssued() != 1 {
		t.Fatalf("TokensIssued = %d, want 1", srv.TokensIssued())
	}
}
