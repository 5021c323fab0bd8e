// Package bench compares the generated clients' response decoding with other
// Go clients of the same APIs, side by side in one "go test -bench" run
// (make bench-decode; results in docs/benchmarks.md, section "Decoding").
//
// It is a separate module so that importers of github.com/mgmtapi/mgmtapi
// never depend on what it compares against.
package bench
