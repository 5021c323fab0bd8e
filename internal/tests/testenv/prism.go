package testenv

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// Prism is a running Prism mock server ("prism mock --errors") for one
// OpenAPI document, listening on 127.0.0.1.
type Prism struct {
	// URL is the server's origin, e.g. "http://127.0.0.1:40123".
	URL string

	proc *process
}

// StartPrism installs the npm packages if needed and starts
// "prism mock --errors -h 127.0.0.1 -p <free port> <specPath> <extraArgs...>".
// It returns once the port accepts connections.
func StartPrism(specPath string, extraArgs ...string) (*Prism, error) {
	dir, err := InstallNode()
	if err != nil {
		return nil, err
	}
	spec, err := filepath.Abs(specPath)
	if err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}
	if _, err := os.Stat(spec); err != nil {
		return nil, fmt.Errorf("testenv: prism spec: %w", err)
	}
	// The free port may be taken between FreePort and Prism's listen;
	// try a few ports before giving up.
	var lastErr error
	for range 3 {
		p, err := startPrism(dir, spec, extraArgs)
		if err == nil {
			return p, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startPrism(dir, spec string, extraArgs []string) (*Prism, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	args := append([]string{"mock", "--errors", "-h", "127.0.0.1", "-p", strconv.Itoa(port)}, extraArgs...)
	args = append(args, spec)
	out := new(syncBuffer)
	cmd := exec.Command(filepath.Join(dir, "node_modules", ".bin", "prism"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SCARF_ANALYTICS=false", "NO_COLOR=1", "FORCE_COLOR=0")
	cmd.Stdout = out
	cmd.Stderr = out
	proc, err := startProcess(cmd, out)
	if err != nil {
		return nil, fmt.Errorf("testenv: start prism: %w", err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(startTimeout)
	for {
		if proc.exited() {
			return nil, fmt.Errorf("testenv: prism exited before serving %s:\n%s", spec, out.String())
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return &Prism{URL: "http://" + addr, proc: proc}, nil
		}
		if time.Now().After(deadline) {
			proc.stop()
			return nil, fmt.Errorf("testenv: prism not serving %s after %s:\n%s", spec, startTimeout, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// PID returns the process id of the Prism process.
func (p *Prism) PID() int { return p.proc.pid() }

// Output returns what Prism has printed so far, for failure diagnostics.
func (p *Prism) Output() string { return p.proc.out.String() }

// Close stops Prism (SIGTERM, then SIGKILL, to its whole process group) and
// waits for it to exit. It is safe to call more than once.
func (p *Prism) Close() error {
	if p == nil || p.proc == nil {
		return errors.New("testenv: nil prism")
	}
	return p.proc.stop()
}
