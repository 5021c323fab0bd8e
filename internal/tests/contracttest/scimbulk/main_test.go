// Package scimbulk_test runs the contract suites of gen/scimbulk against Prism.
package scimbulk_test

//go:generate go run ../genparsers -api scimbulk -gen ../../../../asgardeo/bulk -out parsers_gen_test.go

import (
	"os"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// env is started once for the test binary by TestMain.
var env *contracttest.Env

func TestMain(m *testing.M) { os.Exit(contracttest.Main(m, "scimbulk", &env)) }
