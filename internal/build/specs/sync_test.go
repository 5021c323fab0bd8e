package specs

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func pinFor(name, file string, content []byte) Pin {
	return Pin{Name: name, File: file, URL: "https://example.invalid/" + file, SHA256: digest(content), Size: int64(len(content))}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSyncFromMirror(t *testing.T) {
	good := []byte(`{"openapi":"3.0.0"}`)
	pin := pinFor("demo", "vendor/demo.json", good)

	tests := []struct {
		name    string
		mirror  func(t *testing.T) string // returns the mirror path
		wantErr []string                  // substrings; nil means success
	}{
		{
			name: "verified copy",
			mirror: func(t *testing.T) string {
				d := t.TempDir()
				writeFile(t, filepath.Join(d, "vendor/demo.json"), good)
				return d
			},
		},
		{
			name: "wrong hash",
			mirror: func(t *testing.T) string {
				d := t.TempDir()
				writeFile(t, filepath.Join(d, "vendor/demo.json"), []byte(`{"openapi":"3.1.0"}`))
				return d
			},
			wantErr: []string{"spec demo", "sha256 mismatch", "expected " + pin.SHA256, "got " + digest([]byte(`{"openapi":"3.1.0"}`))},
		},
		{
			name:    "missing file",
			mirror:  func(t *testing.T) string { return t.TempDir() },
			wantErr: []string{"spec demo", "missing from mirror", "vendor/demo.json"},
		},
		{
			name:    "mirror does not exist",
			mirror:  func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") },
			wantErr: []string{"spec mirror", "not readable"},
		},
		{
			name: "mirror is a file",
			mirror: func(t *testing.T) string {
				f := filepath.Join(t.TempDir(), "file")
				writeFile(t, f, good)
				return f
			},
			wantErr: []string{"not a directory"},
		},
		{
			name: "spec path is a directory",
			mirror: func(t *testing.T) string {
				d := t.TempDir()
				if err := os.MkdirAll(filepath.Join(d, "vendor/demo.json"), 0o755); err != nil {
					t.Fatal(err)
				}
				return d
			},
			wantErr: []string{"spec demo", "read mirror"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := t.TempDir()
			s := &Syncer{Mirror: tt.mirror(t), CacheDir: cache}
			err := s.Sync(context.Background(), []Pin{pin})
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Sync: %v", err)
				}
				b, err := os.ReadFile(s.Path(pin))
				if err != nil || string(b) != string(good) {
					t.Fatalf("cache holds %q, %v", b, err)
				}
				return
			}
			if err == nil {
				t.Fatal("Sync succeeded, want an error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if _, statErr := os.Stat(s.Path(pin)); !errors.Is(statErr, os.ErrNotExist) {
				t.Errorf("a failed sync left a file in the cache (%v)", statErr)
			}
		})
	}
}

func TestSyncKeepsVerifiedCacheAndReplacesBadOne(t *testing.T) {
	good := []byte("openapi: 3.0.0\n")
	pin := pinFor("demo", "demo.yaml", good)
	cache := t.TempDir()
	s := &Syncer{Mirror: t.TempDir(), CacheDir: cache}
	writeFile(t, filepath.Join(s.Mirror, "demo.yaml"), good)

	// A corrupted cache entry is replaced from the mirror.
	writeFile(t, s.Path(pin), []byte("tampered"))
	if err := s.Sync(context.Background(), []Pin{pin}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(s.Path(pin)); string(b) != string(good) {
		t.Fatalf("cache not repaired: %q", b)
	}
	// A verified cache entry is used even when the mirror has gone.
	s.Mirror = t.TempDir()
	if err := s.Sync(context.Background(), []Pin{pin}); err != nil {
		t.Fatalf("verified cache should satisfy Sync: %v", err)
	}
}

func TestSyncDownload(t *testing.T) {
	good := []byte(`{"openapi":"3.0.0"}`)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr string
	}{
		{"ok", func(w http.ResponseWriter, r *http.Request) { w.Write(good) }, ""},
		{"server error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, "HTTP 500"},
		{"different bytes", func(w http.ResponseWriter, r *http.Request) { w.Write(append(good, ' ')) }, "sha256 mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			pin := pinFor("demo", "demo.json", good)
			pin.URL = srv.URL + "/demo.json"
			s := &Syncer{CacheDir: t.TempDir(), HTTPClient: srv.Client()}
			err := s.Sync(context.Background(), []Pin{pin})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "spec demo") {
				t.Fatalf("error = %v, want one naming spec demo and %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadLockRejectsBadEntries(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"bad hash", `{"specs":[{"name":"a","file":"a","url":"u","sha256":"XYZ"}]}`, "64 lower-case hex"},
		{"duplicate", `{"specs":[{"name":"a","file":"a","url":"u","sha256":"` + strings.Repeat("a", 64) + `"},{"name":"a","file":"b","url":"u","sha256":"` + strings.Repeat("a", 64) + `"}]}`, "listed twice"},
		{"missing url", `{"specs":[{"name":"a","file":"a","sha256":"` + strings.Repeat("a", 64) + `"}]}`, "needs name, file and url"},
		{"not json", `{`, "parse lock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "lock.json")
			writeFile(t, p, []byte(tt.json))
			_, err := LoadLock(p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadLock error = %v, want %q", err, tt.want)
			}
		})
	}
}

// The committed lock must agree with the pipeline and pin well-formed facts.
func TestCommittedPipelineLoads(t *testing.T) {
	p, err := LoadPipeline("../../../specs")
	if err != nil {
		t.Fatal(err)
	}
	// Umbraco 17 and 18, Auth0, Applications, and eight Asgardeo SCIM2
	// documents (Users, Groups, Roles, Bulk, Me, Schemas, ResourceTypes,
	// ServiceProviderConfig).
	if len(p.APIs) != 12 || len(p.Lock.Specs) != 12 {
		t.Fatalf("have %d APIs and %d pins, want 12 and 12", len(p.APIs), len(p.Lock.Specs))
	}
	for _, pin := range p.Lock.Specs {
		if !strings.Contains(pin.URL, pin.Commit) {
			t.Errorf("pin %s: URL %s is not at commit %s", pin.Name, pin.URL, pin.Commit)
		}
	}
}

// TestLockFileMustStayInCache: a lock "file" that climbs out of the cache
// (or is absolute) is refused by LoadLock and by Sync, and nothing is
// written outside the cache.
func TestLockFileMustStayInCache(t *testing.T) {
	good := []byte(`{"openapi":"3.0.0"}`)
	for _, file := range []string{"../evil.json", "a/../../evil.json", "/tmp/evil.json", "", ".", "a/./b.json", "a\\..\\evil.json", "a//b.json"} {
		t.Run(file, func(t *testing.T) {
			root := t.TempDir()
			mirror, cache := filepath.Join(root, "mirror"), filepath.Join(root, "cache")
			writeFile(t, filepath.Join(mirror, "x", "evil.json"), good)
			pin := pinFor("demo", file, good)

			lock := filepath.Join(root, "lock.json")
			writeFile(t, lock, []byte(`{"specs":[{"name":"demo","file":`+strconv.Quote(file)+`,"url":"u","sha256":"`+pin.SHA256+`"}]}`))
			if _, err := LoadLock(lock); err == nil || (file != "" && !strings.Contains(err.Error(), "relative path inside the cache")) {
				t.Errorf("LoadLock error = %v, want a refusal of the file", err)
			}

			s := &Syncer{Mirror: filepath.Join(mirror, "x"), CacheDir: cache}
			err := s.Sync(context.Background(), []Pin{pin})
			if err == nil || !strings.Contains(err.Error(), "spec demo") || !strings.Contains(err.Error(), "relative path inside the cache") {
				t.Fatalf("Sync error = %v, want a refusal naming spec demo", err)
			}
			for _, p := range []string{filepath.Join(root, "evil.json"), filepath.Join(cache, "evil.json"), "/tmp/evil.json"} {
				if b, err := os.ReadFile(p); err == nil && string(b) == string(good) && p != filepath.Join(mirror, "x", "evil.json") {
					t.Errorf("Sync wrote %s", p)
				}
			}
		})
	}
	// Ordinary nested paths stay accepted.
	if err := CheckFile(Pin{Name: "ok", File: "umbraco/17.5.2/management.json"}); err != nil {
		t.Errorf("nested relative file refused: %v", err)
	}
}

// TestMirrorReadIsBounded: a mirror file far larger than its pin is read
// only to pin size + 1 bytes, which the size check then rejects.
func TestMirrorReadIsBounded(t *testing.T) {
	good := []byte(`{"openapi":"3.0.0"}`)
	pin := pinFor("demo", "demo.json", good)
	mirror := t.TempDir()
	big := make([]byte, 8<<20)
	copy(big, good)
	writeFile(t, filepath.Join(mirror, "demo.json"), big)
	s := &Syncer{Mirror: mirror, CacheDir: t.TempDir()}
	err := s.Sync(context.Background(), []Pin{pin})
	var he *HashError
	if !errors.As(err, &he) || he.Size != pin.Size+1 {
		t.Fatalf("err = %v, want a HashError after reading pin size + 1 = %d bytes", err, pin.Size+1)
	}
}

// TestSyncRespectsContext: a cancelled context stops Sync before it reads
// the mirror or writes the cache.
func TestSyncRespectsContext(t *testing.T) {
	good := []byte(`{"openapi":"3.0.0"}`)
	pin := pinFor("demo", "demo.json", good)
	mirror := t.TempDir()
	writeFile(t, filepath.Join(mirror, "demo.json"), good)
	s := &Syncer{Mirror: mirror, CacheDir: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Sync(ctx, []Pin{pin}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(s.Path(pin)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cache written despite the cancelled context (%v)", err)
	}
}

// TestVerifiedReturnsHashedBytes: Verified hands back the bytes it hashed,
// from the mirror on the first call and from a verified cache later, and
// FixAll builds the fixed document from them.
func TestVerifiedReturnsHashedBytes(t *testing.T) {
	good := []byte(`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{}}`)
	pin := pinFor("demo", "v/demo.json", good)
	root := t.TempDir()
	l := Layout{Root: root, Mirror: filepath.Join(root, "mirror")}
	writeFile(t, filepath.Join(l.Mirror, "v/demo.json"), good)
	s := l.Syncer()
	for i := range 2 {
		b, err := s.Verified(context.Background(), pin)
		if err != nil || string(b) != string(good) {
			t.Fatalf("call %d: Verified = %q, %v", i, b, err)
		}
	}
	p := &Pipeline{Dir: root, APIs: []API{{Name: "demo", Spec: "demo"}}, Lock: &Lock{Specs: []Pin{pin}}}
	if _, err := p.FixAll(context.Background(), l, nil); err != nil {
		t.Fatal(err)
	}
	fixed, err := os.ReadFile(l.FixedPath("demo"))
	if err != nil || !strings.Contains(string(fixed), `"openapi"`) {
		t.Fatalf("fixed document %q, %v", fixed, err)
	}
}
