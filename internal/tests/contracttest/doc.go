// Package contracttest is the shared harness of mgmtapi's contract tests: the
// suites under internal/tests/contracttest/<api> run the generated clients of gen/
// against Stoplight Prism serving the fixed spec each client was generated
// from (specs/.cache/fixed/<api>.json), with every call authenticated by
// package auth against a real oidc-provider token endpoint.
//
// One test binary per API: its TestMain calls [Main], which installs the
// pinned npm packages (internal/tests/testenv), starts one token server and one
// Prism, runs the tests, stops both by PID (also when a test failed) and
// prints the coverage line of [Env.EveryOperation].
//
// Each request of a client made by [Env.HTTPClient] passes through two checks:
//
//   - a recorder that compares the Authorization header the server receives
//     with the token the auth.Source hands out (tokens are compared, never
//     printed), and
//   - the in-process validator of package contract, which checks request and
//     response against the same fixed spec.
//
// The fixed specs are written by "make fix"; the tests fail with that hint
// when they are missing.
package contracttest
