package testenv

import "testing"

// TokenServerTB starts a token server for a test and stops it in t.Cleanup,
// also when the test fails. On a start error it fails the test with the
// server's output.
func TokenServerTB(t testing.TB, opts TokenServerOptions) *TokenServer {
	t.Helper()
	s, err := StartTokenServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("stop token server: %v", err)
		}
		if t.Failed() {
			t.Logf("token server output:\n%s", s.Output())
		}
	})
	return s
}

// PrismTB starts Prism for a test and stops it in t.Cleanup, logging Prism's
// output when the test failed.
func PrismTB(t testing.TB, specPath string, extraArgs ...string) *Prism {
	t.Helper()
	p, err := StartPrism(specPath, extraArgs...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("stop prism: %v", err)
		}
		if t.Failed() {
			t.Logf("prism output:\n%s", p.Output())
		}
	})
	return p
}

// RedisTB starts redis-server for a test and stops it in t.Cleanup. It fails
// the test (never skips) when redis-server is not installed.
func RedisTB(t testing.TB) *Redis {
	t.Helper()
	r, err := StartRedis()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("stop redis-server: %v", err)
		}
	})
	return r
}

// SCIMServerTB builds and starts the independent SCIM server for a test and
// stops it in t.Cleanup, logging its output when the test failed.
func SCIMServerTB(t testing.TB, opts SCIMServerOptions) *SCIMServer {
	t.Helper()
	bin, err := BuildSCIMServer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := StartSCIMServer(bin, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("stop scim server: %v", err)
		}
		if t.Failed() {
			t.Logf("scim server output:\n%s", s.Output())
		}
	})
	return s
}
