package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/redisstore"
)

// These tests run against a real redis-server and a real token endpoint
// (node oidc-provider), both started by internal/tests/testenv on 127.0.0.1 and
// stopped by PID. A missing redis-server fails them.

const clientID, clientSecret = "fleet-app", "fleet-Secret/+=&%-0123456789"

var key1 = bytes.Repeat([]byte{0x11}, 32)

// replica is one Source with its own Redis client, as one process of a
// fleet would have.
type replica struct {
	rdb   *redis.Client
	store *redisstore.Store
	src   *auth.Source
}

func newClient(t testing.TB, addr string) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DisableIdentity: true})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func tokenServer(t testing.TB, ttl time.Duration) *testenv.TokenServer {
	return testenv.TokenServerTB(t, testenv.TokenServerOptions{TTL: ttl,
		Clients: []testenv.Client{{ID: clientID, Secret: clientSecret, AuthMethod: testenv.AuthPost}}})
}

func config(ts *testenv.TokenServer) auth.Config {
	return auth.Config{TokenURL: ts.TokenURL, ClientID: clientID, ClientSecret: clientSecret, AuthStyle: auth.AuthBody}
}

func newReplica(t testing.TB, r *testenv.Redis, cfg auth.Config, sc auth.SharedCache, opts ...auth.Option) *replica {
	t.Helper()
	rp := &replica{rdb: newClient(t, r.Addr)}
	// A generous call timeout: a loaded test machine must not turn a slow
	// call into a (correct, but here unwanted) fallback to the vendor.
	rp.store = redisstore.New(rp.rdb, redisstore.WithCooldown(50*time.Millisecond), redisstore.WithCallTimeout(2*time.Second))
	if sc.Store == nil {
		sc.Store = rp.store
	}
	if sc.Keys == nil {
		sc.Keys = [][]byte{key1}
	}
	src, err := auth.New(cfg, append([]auth.Option{auth.WithSharedCache(sc)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	rp.src = src
	return rp
}

func tokenRequests(t testing.TB, ts *testenv.TokenServer) int {
	t.Helper()
	st, err := ts.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return st.TokenRequests
}

// tokenKeys returns the shared-cache keys in Redis (one identity per test).
func tokenKeys(t testing.TB, rdb *redis.Client, kind string) []string {
	t.Helper()
	keys, err := rdb.Keys(context.Background(), "mgmtapi:auth:"+kind+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func mustToken(t testing.TB, src *auth.Source) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok, err := src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
