package testenv

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
)

// Dir returns the absolute path of the testdata folder that holds
// package.json, package-lock.json and the server scripts.
func Dir() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok {
		d := filepath.Join(filepath.Dir(file), "testdata")
		if fileExists(filepath.Join(d, "package-lock.json")) {
			return d, nil
		}
	}
	// Built with -trimpath or moved: look for the module root from the
	// working directory, which go test sets to the package directory.
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("testenv: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if fileExists(filepath.Join(d, "go.mod")) {
			td := filepath.Join(d, "internal", "testenv", "testdata")
			if fileExists(filepath.Join(td, "package-lock.json")) {
				return td, nil
			}
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", errors.New("testenv: cannot find internal/tests/testenv/testdata/package-lock.json")
}

// InstallNode makes sure the pinned npm packages are installed in Dir and
// returns Dir. It runs "npm ci" when node_modules is missing or does not match
// package-lock.json. A file lock serialises installs, because go test
// runs the packages of ./... as parallel processes that may all call it.
func InstallNode() (string, error) {
	dir, err := Dir()
	if err != nil {
		return "", err
	}
	if _, err := exec.LookPath("node"); err != nil {
		return "", errors.New("testenv: node is not installed or not on PATH (Node.js 20 or later is required)")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", errors.New("testenv: npm is not installed or not on PATH (it comes with Node.js)")
	}
	if installed(dir) {
		return dir, nil
	}
	sum := sha256.Sum256([]byte(dir))
	unlock, err := lockFile(filepath.Join(os.TempDir(), "mgmtapi-testenv-"+hex.EncodeToString(sum[:8])+".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if installed(dir) { // another process installed while we waited
		return dir, nil
	}

	cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	// Prism depends on @scarf/scarf, whose install script phones home.
	cmd.Env = append(os.Environ(), "SCARF_ANALYTICS=false")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("testenv: npm ci in %s: %w\n%s", dir, err, tail(out.Bytes(), 4000))
	}
	if !installed(dir) {
		return "", fmt.Errorf("testenv: npm ci in %s left node_modules out of step with package-lock.json", dir)
	}
	return dir, nil
}

// lockfile is the part of package-lock.json (and of npm's record of what it
// installed, node_modules/.package-lock.json) that installed compares.
type lockfile struct {
	Packages map[string]struct {
		Version  string `json:"version"`
		Optional bool   `json:"optional"`
	} `json:"packages"`
}

// installed reports whether node_modules holds exactly the versions that
// package-lock.json pins, judged by the record npm ci leaves in
// node_modules/.package-lock.json. Optional packages for other platforms
// (fsevents) may be missing. So an install by .ci/run's own "npm ci" counts,
// and a changed lockfile triggers a new install.
func installed(dir string) bool {
	var want, got lockfile
	if readJSON(filepath.Join(dir, "package-lock.json"), &want) != nil ||
		readJSON(filepath.Join(dir, "node_modules", ".package-lock.json"), &got) != nil ||
		len(want.Packages) == 0 {
		return false
	}
	for name, w := range want.Packages {
		if name == "" {
			continue
		}
		g, ok := got.Packages[name]
		if !ok && w.Optional {
			continue
		}
		if !ok || g.Version != w.Version {
			return false
		}
	}
	return true
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// lockFile takes an exclusive flock on path, waiting for it, and returns the
// function that releases it.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("testenv: open install lock: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("testenv: lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
