package testenv

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// SCIMServerOptions configures StartSCIMServer.
type SCIMServerOptions struct {
	// MaxResults is the largest page the server returns (default 100).
	MaxResults int
	// TotalResultsOffset is added to totalResults of filtered lists, to
	// imitate a server (Asgardeo) whose count is wrong under some filters.
	TotalResultsOffset int
	// BulkMaxOperations is the most operations a bulk request may carry
	// (default 1000, Asgardeo's); the server answers 413 beyond.
	BulkMaxOperations int
}

// SCIMServer is a running independent SCIM 2.0 server
// (internal/tests/scimserver, built on github.com/elimity-com/scim) on 127.0.0.1.
type SCIMServer struct {
	// Origin is e.g. "http://127.0.0.1:40123"; the SCIM endpoints are under
	// BaseURL.
	Origin string
	// BaseURL is Origin + "/scim2", what the generated clients take.
	BaseURL string

	token redacted // the bearer token the server requires, random per start
	proc  *process
}

// redacted is the token's type, so that it is never formatted by mistake.
type redacted string

func (redacted) String() string   { return "[redacted]" }
func (redacted) GoString() string { return `"[redacted]"` }

// String describes the server without its token.
func (s *SCIMServer) String() string {
	return fmt.Sprintf("SCIMServer{Origin: %s, BaseURL: %s}", s.Origin, s.BaseURL)
}

// GoString is String, so that %#v does not print the token either.
func (s *SCIMServer) GoString() string { return s.String() }

// Authorize is a request editor that sends the server's bearer token.
func (s *SCIMServer) Authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+string(s.token))
	return nil
}

// SCIMRequest is one request the SCIM server received, as recorded by it.
type SCIMRequest struct {
	Seq         int    `json:"seq"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	Query       string `json:"query"`
	ContentType string `json:"contentType"`
	Accept      string `json:"accept"`
	IfMatch     string `json:"ifMatch"`
	IfNoneMatch string `json:"ifNoneMatch"`
	Bearer      bool   `json:"bearer"`
	Body        string `json:"body"`
	Status      int    `json:"status"`
}

// scimServerDir is the nested module's directory, next to this file.
func scimServerDir() (string, error) {
	td, err := Dir()
	if err != nil {
		return "", err
	}
	d := filepath.Join(filepath.Dir(filepath.Dir(td)), "scimserver")
	if !fileExists(filepath.Join(d, "go.mod")) {
		return "", fmt.Errorf("testenv: %s/go.mod not found", d)
	}
	return d, nil
}

// BuildSCIMServer builds the server binary into dir and returns its path.
// It is a separate module, so its dependencies stay out of mgmtapi's go.mod.
func BuildSCIMServer(dir string) (string, error) {
	src, err := scimServerDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "scimserver")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = src
	// The nested module is built on its own, never as part of a workspace.
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("testenv: build scimserver: %v\n%s", err, out)
	}
	return bin, nil
}

// StartSCIMServer starts the SCIM server binary bin (see BuildSCIMServer)
// and returns once it listens. Stop it with Close.
func StartSCIMServer(bin string, opts SCIMServerOptions) (*SCIMServer, error) {
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}
	token := hex.EncodeToString(tok)
	args := []string{"-token", token}
	if opts.MaxResults > 0 {
		args = append(args, "-max-results", strconv.Itoa(opts.MaxResults))
	}
	if opts.BulkMaxOperations > 0 {
		args = append(args, "-bulk-max-operations", strconv.Itoa(opts.BulkMaxOperations))
	}
	if opts.TotalResultsOffset != 0 {
		args = append(args, "-total-results-offset", strconv.Itoa(opts.TotalResultsOffset))
	}
	cmd := exec.Command(bin, args...)
	// An os.Pipe, not StdoutPipe: the reader below owns it, independent of
	// the Wait in startProcess.
	stdout, pw, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}
	out := new(syncBuffer)
	cmd.Stdout, cmd.Stderr = pw, out
	proc, err := startProcess(cmd, out)
	pw.Close()
	if err != nil {
		stdout.Close()
		return nil, fmt.Errorf("testenv: start scimserver: %w", err)
	}
	lines := make(chan string, 1)
	go func() {
		defer stdout.Close()
		sc := bufio.NewScanner(stdout)
		first := true
		for sc.Scan() {
			if first {
				lines <- sc.Text()
				first = false
			}
			out.Write(append(sc.Bytes(), '\n'))
		}
		if first {
			close(lines)
		}
	}()
	select {
	case line, ok := <-lines:
		origin, found := strings.CutPrefix(line, "listening on ")
		if !ok || !found || !strings.HasPrefix(origin, "http://127.0.0.1:") {
			proc.stop()
			return nil, fmt.Errorf("testenv: scimserver did not start:\n%s", out.String())
		}
		return &SCIMServer{Origin: origin, BaseURL: origin + "/scim2", token: redacted(token), proc: proc}, nil
	case <-time.After(startTimeout):
		proc.stop()
		return nil, fmt.Errorf("testenv: scimserver not listening after %s:\n%s", startTimeout, out.String())
	}
}

// Requests returns the requests the server received after sequence number
// since (0 for all).
func (s *SCIMServer) Requests(since int) ([]SCIMRequest, error) {
	resp, err := http.Get(s.Origin + "/_requests?since=" + strconv.Itoa(since))
	if err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}
	defer resp.Body.Close()
	var out []SCIMRequest
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&out); err != nil {
		return nil, fmt.Errorf("testenv: decode request log: %w", err)
	}
	return out, nil
}

// Parse returns the server's parser's syntax tree (JSON) of a filter
// (kind "filter") or a PATCH path (kind "path"), or the parser's error.
func (s *SCIMServer) Parse(kind, expr string) (json.RawMessage, error) {
	if kind != "filter" && kind != "path" {
		return nil, fmt.Errorf("testenv: parse kind %q", kind)
	}
	resp, err := http.Post(s.Origin+"/_parse/"+kind, "text/plain", strings.NewReader(expr))
	if err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("parse %q: %s", expr, bytes.TrimSpace(b))
	}
	return b, nil
}

// PID returns the server's process id.
func (s *SCIMServer) PID() int { return s.proc.pid() }

// Output returns what the server has logged, for failure diagnostics.
func (s *SCIMServer) Output() string { return s.proc.out.String() }

// Close stops the server by PID (its process group) and waits for it.
func (s *SCIMServer) Close() error {
	if s == nil || s.proc == nil {
		return errors.New("testenv: nil scim server")
	}
	return s.proc.stop()
}
