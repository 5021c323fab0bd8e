package testenv

import (
	"errors"
	"syscall"
	"testing"
)

// redis-server starts on 127.0.0.1, dies by SIGKILL, comes back empty on
// the same port, and is gone after Close.
func TestRedis(t *testing.T) {
	r := RedisTB(t)
	pid := r.PID()
	if pid == 0 || ping(r.Addr) != nil {
		t.Fatal("redis-server is not answering")
	}
	r.Kill()
	if ping(r.Addr) == nil {
		t.Fatal("redis-server still answers after Kill")
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Fatal("the killed process still exists")
	}
	if err := r.Restart(); err != nil {
		t.Fatal(err)
	}
	if r.PID() == pid || ping(r.Addr) != nil {
		t.Fatal("restart did not start a new server on the same address")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if ping(r.Addr) == nil {
		t.Fatal("redis-server still answers after Close")
	}
}

// Without redis-server the error says how to install it (tests then fail).
func TestRedisMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := StartRedis(); !errors.Is(err, ErrNoRedis) {
		t.Fatalf("StartRedis without redis-server: %v, want ErrNoRedis", err)
	}
}
