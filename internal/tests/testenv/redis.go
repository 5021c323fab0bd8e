package testenv

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// ErrNoRedis is returned when redis-server is not installed. Tests fail on
// it rather than skip: CI (.ci/run) installs the Debian package redis-server.
var ErrNoRedis = errors.New("testenv: redis-server not found in PATH; install it (Debian: apt-get install redis-server; .ci/run does this)")

// Redis is a redis-server on 127.0.0.1 with no persistence, started for a
// test or benchmark. Kill stops it with SIGKILL, Restart starts a fresh one
// (empty) on the same port, as after a crash.
type Redis struct {
	// Addr is "127.0.0.1:<port>".
	Addr string

	mu   sync.Mutex
	port int
	proc *process
}

// StartRedis starts redis-server on a free port and waits until it answers
// PING.
func StartRedis() (*Redis, error) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		return nil, ErrNoRedis
	}
	var lastErr error
	for range 3 { // the free port may be taken before redis-server binds it
		port, err := FreePort()
		if err != nil {
			return nil, err
		}
		r := &Redis{Addr: "127.0.0.1:" + strconv.Itoa(port), port: port}
		if lastErr = r.start(); lastErr == nil {
			return r, nil
		}
	}
	return nil, lastErr
}

func (r *Redis) start() error {
	cmd := exec.Command("redis-server",
		"--bind", "127.0.0.1",
		"--port", strconv.Itoa(r.port),
		"--save", "",
		"--appendonly", "no",
		"--protected-mode", "yes",
		"--loglevel", "warning",
		"--databases", "1")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	proc, err := startProcess(cmd, out)
	if err != nil {
		return fmt.Errorf("testenv: start redis-server: %w", err)
	}
	deadline := time.Now().Add(startTimeout)
	for {
		if err := ping(r.Addr); err == nil {
			break
		} else if proc.exited() || time.Now().After(deadline) {
			_ = proc.stop()
			return fmt.Errorf("testenv: redis-server on %s did not answer: %v\n%s", r.Addr, err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.mu.Lock()
	r.proc = proc
	r.mu.Unlock()
	return nil
}

// ping sends PING in the Redis protocol and expects +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("unexpected answer %q", line)
	}
	return nil
}

// PID returns the process id of the running server, or 0 after Kill.
func (r *Redis) PID() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc == nil {
		return 0
	}
	return r.proc.pid()
}

// Kill sends SIGKILL to the server, as a crash would, and waits for it to
// end. Its data is gone.
func (r *Redis) Kill() {
	r.mu.Lock()
	p := r.proc
	r.proc = nil
	r.mu.Unlock()
	if p == nil {
		return
	}
	_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
	<-p.done
	_ = p.stop()
}

// Restart starts an empty server on the same port after Kill.
func (r *Redis) Restart() error {
	r.Kill()
	var err error
	for range 20 { // the port can linger briefly after the kill
		if err = r.start(); err == nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return err
}

// Close stops the server by its PID and process group.
func (r *Redis) Close() error {
	r.mu.Lock()
	p := r.proc
	r.proc = nil
	r.mu.Unlock()
	if p == nil {
		return nil
	}
	return p.stop()
}
