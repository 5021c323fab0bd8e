package umbracotest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/testkit/kittest"
)

// TestEveryOperation sends a valid request for every operation of both
// Management API versions and expects a schema-valid success answer for
// each (the server fails the test on any answer that does not match).
func TestEveryOperation(t *testing.T) {
	for _, v := range []struct{ version, ops int }{{17, 400}, {18, 400}} {
		t.Run(fmt.Sprintf("v%d", v.version), func(t *testing.T) {
			start := time.Now()
			srv := New(t, WithVersion(v.version))
			t.Logf("first New (document load): %v", time.Since(start))
			if n, total := kittest.EveryOperation(t, srv.k); n != total || total < v.ops {
				t.Errorf("exercised %d of the document's %d operations (Umbraco %d has over %d)", n, total, v.version, v.ops)
			}
		})
	}
}

// TestTokenEndpoint: a wrong secret is refused; the client id has
// Umbraco's prefix.
func TestTokenEndpoint(t *testing.T) {
	srv := New(t)
	if !strings.HasPrefix(srv.ClientID(), "umbraco-back-office-") {
		t.Fatalf("client id %q lacks Umbraco's prefix", srv.ClientID())
	}
	if _, status := kittest.TokenWith(t, srv.k, srv.ClientID(), "wrong"); status != http.StatusUnauthorized {
		t.Fatalf("wrong secret: token endpoint answered %d, want 401", status)
	}
	kittest.Token(t, srv.k)
}
