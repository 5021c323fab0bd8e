// Package umbraco18_test runs the contract suites of gen/umbraco18 against Prism.
package umbraco18_test

//go:generate go run ../genparsers -api umbraco18 -gen ../../../../umbraco/v18/* -out parsers_gen_test.go

import (
	"os"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// env is started once for the test binary by TestMain.
var env *contracttest.Env

func TestMain(m *testing.M) { os.Exit(contracttest.Main(m, "umbraco18", &env)) }
