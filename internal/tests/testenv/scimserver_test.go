package testenv

import (
	"fmt"
	"strings"
	"testing"
)

func TestSCIMServerKeepsItsTokenOutOfFormatting(t *testing.T) {
	s := &SCIMServer{Origin: "http://127.0.0.1:1", token: redacted("s3cr3t-token")}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(verb, s); strings.Contains(out, "s3cr3t") {
			t.Errorf("%s prints the token: %s", verb, out)
		}
	}
}
