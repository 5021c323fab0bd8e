// Package scimtest drives the generated SCIM clients (gen/scimusers,
// gen/scimgroups) and the scim builders through a whole provisioning
// lifecycle against an independent SCIM 2.0 server (internal/tests/scimserver,
// built on github.com/elimity-com/scim), asserting for every step the bytes
// the server received, the decoded response and the values.
package scimtest
