package auth

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// The store key names the identity from public configuration only: every
// public field changes it; the secret and the key ring do not, so the name
// confirms no guess of the secret (it used to hold an HMAC keyed by the
// secret, which a dictionary attack tested offline) and survives a key-ring
// rotation.
func TestSharedIdentity(t *testing.T) {
	base := Config{TokenURL: "https://id.example/token", ClientID: "c1", ClientSecret: testSecret,
		Audience: "https://api.example/", Scopes: []string{"a", "b"}, Resource: "urn:r"}
	variants := map[string]func(c *Config){
		"token url":  func(c *Config) { c.TokenURL += "2" },
		"client id":  func(c *Config) { c.ClientID = "c2" },
		"audience":   func(c *Config) { c.Audience = "https://other.example/" },
		"scopes":     func(c *Config) { c.Scopes = []string{"a"} },
		"scope join": func(c *Config) { c.Scopes = []string{"a b"} },
		"resource":   func(c *Config) { c.Resource = "urn:s" },
	}
	id := identity(base)
	if id != identity(base) {
		t.Fatal("identity is not deterministic")
	}
	for name, change := range variants {
		c := base
		c.Scopes = append([]string(nil), base.Scopes...)
		change(&c)
		if identity(c) == id {
			t.Errorf("%s: identity unchanged", name)
		}
	}
	for _, form := range []string{testSecret, base64.StdEncoding.EncodeToString([]byte(testSecret)), "s3cr3t"} {
		if strings.Contains(id, form) {
			t.Errorf("identity contains the secret (%q)", form)
		}
	}
	for _, secret := range []string{"", "x", testSecret + "x", "password1"} {
		c := base
		c.ClientSecret = secret
		if identity(c) != id {
			t.Errorf("identity depends on the secret (%q)", secret)
		}
	}
	// The store key names of two Sources with other secrets and other key
	// rings are the same.
	mk := func(secret string, key byte) *shared {
		c := base
		c.ClientSecret = secret
		sh, err := newShared(&SharedCache{Store: nopStore{}, Keys: [][]byte{bytes.Repeat([]byte{key}, 32)}}, c, &options{metrics: noMetrics{}})
		if err != nil {
			t.Fatal(err)
		}
		return sh
	}
	a, b := mk("first-secret-0123", 1), mk("second-secret-456", 2)
	if a.key != b.key || a.leaseKey != b.leaseKey {
		t.Errorf("store keys differ across secrets/key rings: %s %s", a.key, b.key)
	}
}

// Values are sealed with the first key, opened by any key of the ring, and
// a value that no key opens, that was tampered with or that was moved to
// another store key is a miss.
func TestSharedSealOpen(t *testing.T) {
	k1, k2, k3 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 16), bytes.Repeat([]byte{3}, 32)
	cfg := testConfig("https://id.example/token")
	mk := func(keys ...[]byte) *shared {
		sh, err := newShared(&SharedCache{Store: nopStore{}, Keys: keys}, cfg, &options{metrics: noMetrics{}})
		if err != nil {
			t.Fatal(err)
		}
		return sh
	}
	old, rotated, stranger := mk(k1), mk(k2, k1), mk(k3)
	tok := (&oauth2.Token{AccessToken: "at-123.secret"}).WithExtra(map[string]any{"scope": "read"})
	raw, err := old.seal(tok, 300*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("at-123")) || bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString([]byte("at-123")))) {
		t.Fatal("sealed value contains the access token")
	}
	tests := []struct {
		name string
		sh   *shared
		raw  []byte
		ok   bool
	}{
		{"same key", old, raw, true},
		{"rotated ring opens old value", rotated, raw, true},
		{"unknown key", stranger, raw, false},
		{"tampered", old, flip(raw, len(raw)-1), false},
		{"truncated", old, raw[:10], false},
		{"empty", old, nil, false},
	}
	for _, tt := range tests {
		st, ok := tt.sh.open(tt.raw)
		if ok != tt.ok {
			t.Errorf("%s: open ok=%v, want %v", tt.name, ok, tt.ok)
			continue
		}
		if ok && (st.AccessToken != "at-123.secret" || st.LifetimeMS != 300000 || st.Extra["scope"] != "read") {
			t.Errorf("%s: opened %+v", tt.name, st)
		}
	}
	// Another store key (another identity) cannot use the value.
	other := mk(k1)
	other.aad = []byte("mgmtapi:auth:token:other")
	if _, ok := other.open(raw); ok {
		t.Error("value opened under another store key")
	}
}

func TestSharedCacheOptionErrors(t *testing.T) {
	cfg := testConfig("https://id.example/token")
	tests := []struct {
		name string
		c    SharedCache
		want string
	}{
		{"no store", SharedCache{Keys: [][]byte{make([]byte, 32)}}, "Store is nil"},
		{"no keys", SharedCache{Store: nopStore{}}, "Keys is empty"},
		{"bad key", SharedCache{Store: nopStore{}, Keys: [][]byte{make([]byte, 32), []byte("short")}}, "Keys[1] is 5 bytes"},
		{"negative lease", SharedCache{Store: nopStore{}, Keys: [][]byte{make([]byte, 32)}, LeaseTTL: -1}, "LeaseTTL"},
		{"lease above the bound", SharedCache{Store: nopStore{}, Keys: [][]byte{make([]byte, 32)}, LeaseTTL: DefaultLeaseTTL + 1}, "LeaseTTL"},
		{"replica with a space", SharedCache{Store: nopStore{}, Keys: [][]byte{make([]byte, 32)}, Replica: "pod a"}, "Replica"},
		{"replica too long", SharedCache{Store: nopStore{}, Keys: [][]byte{make([]byte, 32)}, Replica: strings.Repeat("a", 65)}, "Replica"},
		{"replica with a newline", SharedCache{Store: nopStore{}, Keys: [][]byte{make([]byte, 32)}, Replica: "pod\n"}, "Replica"},
	}
	for _, tt := range tests {
		_, err := New(cfg, WithSharedCache(tt.c))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := FromTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"}),
		WithSharedCache(SharedCache{Store: nopStore{}, Keys: [][]byte{make([]byte, 32)}})); err == nil {
		t.Error("FromTokenSource accepted WithSharedCache")
	}
}

// The lease TTL fits short-lived tokens: a holder that died leaves the
// fleet at least half the shortest stale window to refresh in, and waiters
// take a stuck lease over within it; long-lived tokens get LeaseTTL.
func TestSharedLeaseTTL(t *testing.T) {
	const fraction, jitter = defaultRefreshFraction, defaultRefreshJitter
	tests := []struct {
		full, limit, want time.Duration
	}{
		{0, DefaultLeaseTTL, DefaultLeaseTTL}, // lifetime not known yet
		{20 * time.Second, DefaultLeaseTTL, 500 * time.Millisecond},
		{60 * time.Second, DefaultLeaseTTL, 1500 * time.Millisecond},
		{5 * time.Second, DefaultLeaseTTL, MinLeaseTTL},
		{300 * time.Second, DefaultLeaseTTL, DefaultLeaseTTL},
		{24 * time.Hour, DefaultLeaseTTL, DefaultLeaseTTL},
		{24 * time.Hour, time.Second, time.Second}, // an explicit LeaseTTL caps it
		{20 * time.Second, 300 * time.Millisecond, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := leaseFor(tt.full, tt.limit, fraction, jitter); got != tt.want {
			t.Errorf("leaseFor(%s, %s) = %s, want %s", tt.full, tt.limit, got, tt.want)
		}
	}
	if got := leaseFor(20*time.Second, DefaultLeaseTTL, 0, 0); got != DefaultLeaseTTL {
		t.Errorf("without background refresh: %s, want LeaseTTL", got)
	}
	// For every lifetime whose stale window is longer than the floor, the
	// wait bound of a stuck lease ends inside the shortest stale window.
	for full := 2 * time.Second; full <= 24*time.Hour; full = full * 3 / 2 {
		stale := time.Duration(float64(full)*fraction*(1-jitter)) - expiryMargin(full)
		lease := leaseFor(full, DefaultLeaseTTL, fraction, jitter)
		if stale >= 2*MinLeaseTTL+4*leasePoll && lease+2*leasePoll > stale {
			t.Errorf("%s token: lease %s + poll does not fit in the %s stale window", full, lease, stale)
		}
	}
}

// Lease values name their replica; what is read back from the store is
// not trusted: anything that is not a valid name is "unknown".
func TestSharedLeaseHolderName(t *testing.T) {
	sh, err := newShared(&SharedCache{Store: nopStore{}, Keys: [][]byte{make([]byte, 32)}, Replica: "pod-7/api@eu:1"}, testConfig("https://id.example/token"), &options{metrics: noMetrics{}})
	if err != nil {
		t.Fatal(err)
	}
	v1, v2 := sh.leaseValue(), sh.leaseValue()
	if bytes.Equal(v1, v2) {
		t.Fatal("two leases with the same value")
	}
	if got := holderName(v1); got != "pod-7/api@eu:1" {
		t.Fatalf("holderName(%q) = %q", v1, got)
	}
	for _, v := range []string{"", "nospace", " 0123", "a\x00b 0123", "pod\nx 0123", strings.Repeat("a", 65) + " 0123", "\xff 01"} {
		if got := holderName([]byte(v)); got != "unknown" {
			t.Errorf("holderName(%q) = %q, want unknown", v, got)
		}
	}
	d := defaultReplica()
	if !validReplica(d) || !strings.HasSuffix(d, "/"+strconv.Itoa(os.Getpid())) {
		t.Errorf("default replica %q, want a valid <hostname>/<pid>", d)
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

// nopStore is for the tests above that never reach the store.
type nopStore struct{ SharedStore }

var _ http.RoundTripper = (*transport)(nil)
