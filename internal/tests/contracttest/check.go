package contracttest

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/contract"
)

// checked is the RoundTripper under the clients of a test: it compares the
// bearer token of each request with the Source's current token and passes
// the request through the contract validator (report-only, so that Prism's
// own answer still reaches the caller), recording every problem.
type checked struct {
	env  *Env
	next http.RoundTripper

	mu       sync.Mutex
	sent     int
	problems []string
}

// transport is what the checked clients send through: the Env's own
// transport once Start made one.
func (e *Env) transport() http.RoundTripper {
	if e.http == nil {
		return http.DefaultTransport
	}
	return e.http
}

func (e *Env) newChecked() *checked {
	c := &checked{env: e}
	c.next = e.contract.Transport(e.transport(), contract.ReportOnly(func(err *contract.Error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, v := range err.Violations {
			c.problems = append(c.problems, "contract: "+v.String())
		}
	}))
	return c
}

// RoundTrip implements http.RoundTripper.
func (c *checked) RoundTrip(req *http.Request) (*http.Response, error) {
	sent := req.Header.Get("Authorization")
	var problem string
	if tok, err := c.env.Source.Token(req.Context()); err != nil {
		problem = fmt.Sprintf("token check: Source.Token: %v", err)
	} else {
		problem = compareBearer(sent, tok.AccessToken)
	}
	c.mu.Lock()
	c.sent++
	if problem != "" {
		c.problems = append(c.problems, req.Method+" "+req.URL.Path+": "+problem)
	}
	c.mu.Unlock()
	return c.next.RoundTrip(req)
}

// compareBearer checks that header is "Bearer <want>" and describes a
// mismatch by fingerprints only: tokens never appear in test output.
func compareBearer(header, want string) string {
	if want == "" {
		return "token check: the Source returned an empty token"
	}
	scheme, got, ok := strings.Cut(header, " ")
	switch {
	case header == "":
		return "token mismatch: no Authorization header was sent"
	case !ok || !strings.EqualFold(scheme, "Bearer"):
		return "token mismatch: Authorization is not a bearer token"
	case got != want:
		return fmt.Sprintf("token mismatch: sent %s, Source has %s", Fingerprint(got), Fingerprint(want))
	}
	return ""
}

// Fingerprint describes a secret by its length and a sha256 prefix, for
// messages that must tell two secrets apart without showing them.
func Fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return fmt.Sprintf("sha256:%x…(len %d)", sum[:4], len(secret))
}

func (c *checked) result() (sent int, problems []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent, append([]string(nil), c.problems...)
}

// Client returns an HTTP client for the generated client of a test (pass
// it with WithHTTPClient). Every request it sends is checked: its bearer
// token must be the one Source.Token returns, and request and response must
// match the fixed spec according to package contract. When t ends, t fails
// for each problem, and when the client sent no request at all.
func (e *Env) Client(t testing.TB) *http.Client {
	t.Helper()
	c := e.newChecked()
	t.Cleanup(func() {
		sent, problems := c.result()
		if sent == 0 && !t.Skipped() {
			t.Error("the checked client sent no request")
		}
		for _, p := range problems {
			t.Error(p)
		}
	})
	return &http.Client{Transport: c}
}

// TokensIssued returns how many tokens the token server has issued, so a
// test can assert that requests were authenticated with real tokens.
func (e *Env) TokensIssued(t testing.TB) int {
	t.Helper()
	st, err := e.Tokens.Stats()
	if err != nil {
		t.Fatalf("token server stats: %v", err)
	}
	return st.TokensIssued
}
