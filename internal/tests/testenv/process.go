package testenv

import (
	"bytes"
	"errors"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// startTimeout bounds how long a Start function waits for its server to be
// ready. It is a bound on a hang, not a timing the tests assert: on a
// loaded 2-core machine (CI with other builds running) node can take most
// of a minute to load oidc-provider or a large spec into Prism.
const startTimeout = 3 * time.Minute

// startAttempts is how many times a server whose start hangs is killed and
// started again within startTimeout (the token server; see
// StartTokenServer).
const startAttempts = 3

// process is a child started in its own process group, so that Close can
// stop it and anything it spawned.
type process struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{} // closed when Wait returns
	err  error         // Wait's result, valid after done is closed

	closeOnce sync.Once
}

func startProcess(cmd *exec.Cmd, out *syncBuffer) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid: true,
		// If the test binary dies without running Close, the kernel kills
		// the server instead of leaving it listening.
		Pdeathsig: syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// PID returns the process id of the server.
func (p *process) pid() int { return p.cmd.Process.Pid }

// exited reports whether the process has already ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM to the process group, then SIGKILL if the process is
// still there after a grace period, and waits for it.
func (p *process) stop() error {
	p.closeOnce.Do(func() {
		pid := p.cmd.Process.Pid
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(3 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-p.done
		}
		// Anything left in the group (grandchildren) goes too.
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	})
	var exitErr *exec.ExitError
	if p.err != nil && !errors.As(p.err, &exitErr) {
		return p.err
	}
	return nil
}

// syncBuffer is a bytes.Buffer safe for the writer goroutines of exec.Cmd
// and readers in tests.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	const max = 1 << 20 // keep diagnostics bounded
	if b.buf.Len()+len(p) > max {
		b.buf.Reset()
		b.buf.WriteString("[earlier output dropped]\n")
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
