// Package synth builds values and requests from an OpenAPI document: a
// schema-valid value for any schema ([Sampler]), and a valid request for any
// operation ([Sampler.Plan]). It is the one value synthesiser of the module:
// the contract suites (internal/tests/contracttest) send what it plans to
// Prism, and the test kits (internal/testkit) answer with what it builds.
// Every value is checked against its schema with kin-openapi before use.
package synth
