// Package auth0_test runs the contract suites of gen/auth0 against Prism.
package auth0_test

//go:generate go run ../genparsers -api auth0 -gen ../../../../auth0/* -out parsers_gen_test.go

import (
	"os"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// env is started once for the test binary by TestMain.
var env *contracttest.Env

func TestMain(m *testing.M) { os.Exit(contracttest.Main(m, "auth0", &env)) }
