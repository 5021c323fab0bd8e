// Package wiretest holds the wire-level tests of every generated client of
// gen/ (there is no non-test code): what the typed methods put on the wire
// (one segment per path parameter, request bodies equal to the caller's
// value) and how the ...WithResponse methods read what comes back (bounded
// bodies, status tolerance, vendor errors through apierror.Checked).
//
// The servers are httptest servers on 127.0.0.1: they capture requests and
// produce the faults (endless bodies, undeclared statuses) that Prism and
// the vendors' servers cannot be made to produce on demand.
package wiretest
