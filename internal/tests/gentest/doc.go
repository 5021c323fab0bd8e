// Package gentest proves that the generated clients in gen/ work against the
// JSON the upstream APIs document, not only against their own OpenAPI
// examples.
//
// It has no code outside its tests. They decode response bodies written by
// hand from the vendors' documentation (Umbraco Management API 17 and 18,
// Auth0 Management API v2, RFC 7643/7644 SCIM 2.0 and Asgardeo's variants of
// it, WSO2 Application Management) through the generated Parse...Response
// functions and model types, re-encode them and compare, and check the URL,
// query and body that the generated New...Request functions produce. A test
// that fails here means a pipeline step or overlay in specs/ is missing, not
// that the test should be relaxed.
package gentest
