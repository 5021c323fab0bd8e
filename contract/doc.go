// Package contract checks HTTP traffic against an OpenAPI document, in process.
//
// It is a validating [http.RoundTripper]: put it under a generated client (or
// any [http.Client]) and every request is checked against the operation it
// routes to before it is sent, and every response is checked against the
// statuses, headers and bodies that operation declares before the caller sees
// it. A mismatch is returned as an [*Error] that lists each [Violation], so a
// test fails with a message that says what the client or the server got wrong
// instead of a decoding error three layers up.
//
// Use it as a second opinion next to a mock server such as Prism, or against a
// real server in integration tests:
//
//	spec, err := contract.LoadFile(ctx, "umbraco-management-api-18.0.2.openapi.json")
//	// handle err; keep spec for the whole test binary: loading is the expensive part
//	client := &http.Client{Transport: spec.Transport(http.DefaultTransport)}
//
// # What is checked
//
// Requests: that an operation exists for the method and path (after the server
// base path is stripped, see [WithBasePath]); path, query, header and cookie
// parameters; the request body against its media type and schema; that a body
// is not sent where the operation declares none; and that credentials for one
// of the operation's security requirements are present (a non-empty bearer
// token for http bearer, oauth2 and openIdConnect schemes, basic credentials
// for http basic, the named header, query parameter or cookie for apiKey).
// Tokens are never inspected, only their presence.
//
// Responses: that the status is declared (explicitly or by a default
// response), declared response headers, and the body against the schema of
// its media type. Bodies of media types kin-openapi has no decoder for (for
// example text/xml) and text/event-stream streams are neither read nor
// checked; their media type must still be declared.
//
// # Bodies and memory
//
// Only bodies that are validated (JSON, form, multipart and text bodies with a
// schema that says more than "some bytes") are read into memory, up to
// [WithMaxBodySize]; every other body (application/octet-stream,
// text/event-stream, binary strings, undeclared bodies) streams through
// unread, so memory stays bounded whatever the size of an upload or a
// download.
//
// # Drift
//
// With [Observe] the transport never fails an exchange and records in a
// [Drift], per operation, what the traffic shows that the document does not
// declare: statuses, bodies, object members, enum values, types and missing
// required members, each with the place in the document a fix belongs to and
// a schema inferred from what was seen. internal/build/cmd/drift (make drift)
// replays recorded traffic this way and drafts an overlay from the findings.
//
// format: uuid is checked (any 8-4-4-4-12 hexadecimal string, no version
// check, because .NET and Auth0 identifiers are not all RFC 4122 v1-v5).
//
// # Spec adjustments made at load time
//
// [Load] adapts the document so that real-world specs can be used as they are
// published; see [Load] for the list (servers cleared, regular expressions
// compiled with an ECMAScript engine when RE2 cannot, untyped schemas of
// OpenAPI 3.1 documents allowed to be null, example and default values not
// validated).
//
// # Secrets
//
// Violation messages never contain the value of the Authorization,
// Proxy-Authorization or Cookie headers, nor of any header, query parameter or
// cookie whose name suggests a credential (token, secret, key, password,
// session, auth): such values are replaced with "[REDACTED]". Messages are
// built from the validator's reasons, not from the bodies, and each message is
// truncated to a bounded size. The *url.Error an [http.Client] wraps the
// error in repeats the request URL with its query string: see [Error].
package contract
