// Package examples_test checks the README's size claims about the example
// programs.
package examples_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// linesOfCode counts the non-blank lines of a program's declarations that
// are not only a comment: the code a user writes, without the package
// clause, the imports and comments.
func linesOfCode(t *testing.T, path string) int {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	n := 0
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			continue
		}
		for l := fset.Position(d.Pos()).Line; l <= fset.Position(d.End()).Line; l++ {
			s := strings.TrimSpace(lines[l-1])
			if s != "" && !strings.HasPrefix(s, "//") {
				n++
			}
		}
	}
	return n
}

func TestLinesOfCode(t *testing.T) {
	tests := []struct {
		path string
		max  int
	}{
		{"quickstart/umbraco/main.go", 15},
		{"quickstart/auth0/main.go", 15},
		{"quickstart/asgardeo/main.go", 15},
		{"auth0-task/main.go", 25},            // main + report, the task on a connection, which main_test.go drives with auth0test
		{"asgardeo-provisioning/main.go", 40}, // issue 19: one connection for every Asgardeo API
	}
	for _, tt := range tests {
		n := linesOfCode(t, tt.path)
		t.Logf("%s: %d lines of code (limit %d)", tt.path, n, tt.max)
		if n > tt.max {
			t.Errorf("%s has %d lines of code, more than %d", tt.path, n, tt.max)
		}
	}
}
