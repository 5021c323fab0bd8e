// Package specs is the generation pipeline behind gen/: it syncs the pinned
// upstream OpenAPI documents by hash, applies the project's named fixes
// (normalisation steps and overlays) and runs oapi-codegen, one pipeline
// configured per API.
package specs

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

// Pin is one upstream document as locked in specs/lock.json.
type Pin struct {
	// Name identifies the pin in pipeline.yaml and in error messages.
	Name string `json:"name"`
	// File is the document's path inside a mirror directory such as
	// ../shared/specs, and inside the local cache.
	File string `json:"file"`
	// Version is the upstream product or API version, for package docs.
	Version string `json:"version"`
	// Commit is the upstream commit the URL is pinned to.
	Commit string `json:"commit"`
	// URL is the upstream raw-file URL at Commit.
	URL string `json:"url"`
	// SHA256 is the hex digest every copy must match.
	SHA256 string `json:"sha256"`
	// Size is the document's length in bytes.
	Size int64 `json:"size"`
}

// Lock is the content of specs/lock.json.
type Lock struct {
	Comment string `json:"comment,omitempty"`
	Specs   []Pin  `json:"specs"`
}

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// LoadLock reads and checks a lock file.
func LoadLock(path string) (*Lock, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read lock: %w", err)
	}
	var l Lock
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("parse lock %s: %w", path, err)
	}
	seen := map[string]bool{}
	for _, p := range l.Specs {
		switch {
		case p.Name == "" || p.File == "" || p.URL == "":
			return nil, fmt.Errorf("lock %s: spec %q needs name, file and url", path, p.Name)
		case !hexSHA256.MatchString(p.SHA256):
			return nil, fmt.Errorf("lock %s: spec %q: sha256 %q is not 64 lower-case hex digits", path, p.Name, p.SHA256)
		case CheckFile(p) != nil:
			return nil, fmt.Errorf("lock %s: %w", path, CheckFile(p))
		case p.Size < 0:
			return nil, fmt.Errorf("lock %s: spec %q: size %d is negative", path, p.Name, p.Size)
		case seen[p.Name]:
			return nil, fmt.Errorf("lock %s: spec %q listed twice", path, p.Name)
		}
		seen[p.Name] = true
	}
	return &l, nil
}

// Pin returns the pin with the given name.
func (l *Lock) Pin(name string) (Pin, bool) {
	for _, p := range l.Specs {
		if p.Name == name {
			return p, true
		}
	}
	return Pin{}, false
}
