// Package scimgroups_test runs the contract suites of gen/scimgroups against Prism.
package scimgroups_test

//go:generate go run ../genparsers -api scimgroups -gen ../../../../asgardeo/groups -out parsers_gen_test.go

import (
	"os"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// env is started once for the test binary by TestMain.
var env *contracttest.Env

func TestMain(m *testing.M) { os.Exit(contracttest.Main(m, "scimgroups", &env)) }
