// Package testenv starts the real servers that mgmtapi's tests run against:
// an OAuth 2.0 token endpoint (node oidc-provider, see
// testdata/tokenserver.mjs), Prism, the OpenAPI mock server, and
// redis-server (the Debian package; StartRedis, no persistence).
//
// The npm packages are pinned in testdata/package.json and
// testdata/package-lock.json; InstallNode installs them with npm ci the first
// time they are needed. Every server listens on 127.0.0.1 only, runs in its own
// process group, and is stopped by its PID and process group on Close.
//
// The functions return errors rather than taking a testing.TB, so they can be
// used from TestMain; the TB-taking helpers (TokenServerTB, PrismTB) register
// Close with t.Cleanup.
package testenv
