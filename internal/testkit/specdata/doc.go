// Package specdata holds the validation documents the Go test kits check
// traffic against and synthesize answers from, one generated file per API
// (written by go generate, compared by make check-gen; see the header of
// each file for how it is derived from the fixed document). Each document is
// behind a function so a test binary links only the documents its kit uses.
package specdata
