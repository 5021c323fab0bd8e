// Package resiliencetest runs packages retry, apierror and paginate against
// Prism through the contract harness (internal/tests/contracttest): every request
// passes retry, then auth with a real token server, then the spec validator,
// and reaches Prism serving the fixed spec. The tests count what reaches
// Prism, so they prove request counts against spec-shaped answers, where the
// packages' own tests use scripted httptest servers.
//
// It has no non-test code; this file only documents it.
package resiliencetest
