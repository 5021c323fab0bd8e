package testenv

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine behind, such as the
// reader of a server's output after Close.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
