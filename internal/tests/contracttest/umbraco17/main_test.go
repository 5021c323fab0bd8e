// Package umbraco17_test runs the contract suites of gen/umbraco17 against Prism.
package umbraco17_test

//go:generate go run ../genparsers -api umbraco17 -gen ../../../../umbraco/v17/* -out parsers_gen_test.go

import (
	"os"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// env is started once for the test binary by TestMain.
var env *contracttest.Env

func TestMain(m *testing.M) { os.Exit(contracttest.Main(m, "umbraco17", &env)) }
