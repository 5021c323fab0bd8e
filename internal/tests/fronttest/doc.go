// Package fronttest tests the generated front doors (gen/*/front.gen.go)
// end to end: real tokens from oidc-provider (internal/tests/testenv), paging
// faults and exact request sequences from httptest servers.
package fronttest
