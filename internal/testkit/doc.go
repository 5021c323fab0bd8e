// Package testkit is the engine of the Go test kits (auth0/auth0test,
// umbraco/umbracotest, asgardeo/asgardeotest): an in-process loopback HTTP
// server that speaks a vendor's APIs and its token endpoint, so that code
// built with the normal Connect runs unchanged in go test.
//
// Every request it receives is routed and validated against the API's
// validation document (internal/testkit/specdata) by package contract
// (Spec.CheckRequest): a violation fails the test (TB.Errorf, naming the
// operation, the member and the reason) and is answered 400 with the
// vendor's error body. A request without a token the kit issued is answered
// 401. Each valid request is answered, in this order, by a fault queued for
// its operation, a typed handler, a store (stateful Users/Groups/...), a
// recorded response, or a schema-valid value synthesized from the document
// (internal/testkit/synth). Every answer but a fault is validated too: a
// mismatch fails the test, except for a store's answer, which models the
// vendor where the document has gaps (Auth0's last page of clients by
// checkpoint matches two branches of the declared oneOf): that is logged.
//
// The vendor packages hold only what differs per vendor (paths, token
// endpoint style, error body shape, rate-limit headers) in a [Vendor].
package testkit
