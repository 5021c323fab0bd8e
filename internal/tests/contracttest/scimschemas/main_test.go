// Package scimschemas_test runs the contract suites of gen/scimschemas against Prism.
package scimschemas_test

//go:generate go run ../genparsers -api scimschemas -gen ../../../../asgardeo/schemas -out parsers_gen_test.go

import (
	"os"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// env is started once for the test binary by TestMain.
var env *contracttest.Env

func TestMain(m *testing.M) { os.Exit(contracttest.Main(m, "scimschemas", &env)) }
