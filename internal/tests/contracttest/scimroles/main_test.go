// Package scimroles_test runs the contract suites of gen/scimroles against Prism.
package scimroles_test

//go:generate go run ../genparsers -api scimroles -gen ../../../../asgardeo/roles -out parsers_gen_test.go

import (
	"os"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// env is started once for the test binary by TestMain.
var env *contracttest.Env

func TestMain(m *testing.M) { os.Exit(contracttest.Main(m, "scimroles", &env)) }
