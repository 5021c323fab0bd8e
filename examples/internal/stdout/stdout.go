// Package stdout lets the examples' tests read what a program's main
// printed.
package stdout

import (
	"io"
	"os"
	"testing"
)

// Of runs f with os.Stdout going to a pipe and returns what f wrote. It
// changes a process-wide variable: tests that use it must not run in
// parallel.
func Of(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		r.Close()
		done <- string(b)
	}()
	saved := os.Stdout
	func() {
		defer func() { os.Stdout = saved; w.Close() }()
		os.Stdout = w
		f()
	}()
	return <-done
}
