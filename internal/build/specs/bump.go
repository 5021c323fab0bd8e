package specs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// Bump describes one `make bump`: a candidate document for an API's pin.
type Bump struct {
	// API is the pipeline API whose pin is bumped.
	API string
	// New is the candidate document: a file or an http(s) URL.
	New string
	// Apply rewrites the lock entry and regenerates; without it Bump only
	// reports.
	Apply bool
	// URL, Version and Commit override the lock entry's fields. URL
	// defaults to New when New is a URL; Commit to the commit in a
	// raw.githubusercontent.com URL. Apply needs all three.
	URL, Version, Commit string
	// Verbose lists every change instead of counting the long kinds.
	Verbose bool
	// NoGoAPI skips the Go API report (regeneration and apidiff), for a
	// quick look at a large API.
	NoGoAPI bool
	// MaxSize bounds the candidate document; 0 means MaxSpecSize.
	MaxSize int64
}

// BumpResult is what Bump found, for callers that check it (the tests).
type BumpResult struct {
	Old, New Pin
	Stale    []StaleFix
	Spec     *SpecReport
	Go       *GoReport
}

// Bump reads the candidate document, runs the API's fixes on it (reporting
// every one that no longer applies), prints the breaking-change report over
// the fixed old and new documents and the Go API impact on gen/, and, with
// b.Apply, rewrites the lock entry and regenerates the packages of the pin.
func (p *Pipeline) Bump(ctx context.Context, l Layout, b Bump, w io.Writer) (*BumpResult, error) {
	a, ok := p.API(b.API)
	if !ok {
		return nil, fmt.Errorf("unknown api %q (have %s)", b.API, strings.Join(p.Names(), ", "))
	}
	for _, u := range []string{b.New, b.URL} {
		if pu, err := url.Parse(u); err == nil && pu.User != nil {
			return nil, fmt.Errorf("%s: a URL with credentials would end up in the output and in specs/lock.json; download the document and pass the file", pu.Redacted())
		}
	}
	oldPin, _ := p.Lock.Pin(a.Spec)
	oldUp, err := readVerified(ctx, l.Syncer(), oldPin)
	if err != nil {
		return nil, err
	}
	newUp, err := readSpecSource(ctx, b.New, cmpOr(b.MaxSize, MaxSpecSize))
	if err != nil {
		return nil, err
	}
	res := &BumpResult{Old: oldPin, New: b.pin(oldPin, newUp, l.Mirror)}
	fmt.Fprintf(w, "bump %s (pin %s)\n", a.Name, oldPin.Name)
	fmt.Fprintf(w, "  old: %s %s  sha256 %s  %d bytes\n", oldPin.Version, oldPin.URL, oldPin.SHA256, oldPin.Size)
	fmt.Fprintf(w, "  new: %s  sha256 %s  %d bytes\n", b.New, res.New.SHA256, res.New.Size)
	if res.New.SHA256 == oldPin.SHA256 {
		fmt.Fprintln(w, "the new document is the pinned one: nothing to do")
		return res, nil
	}

	oldFix, err := p.fixAndReport(a, oldUp)
	if err != nil {
		return nil, err
	}
	if len(oldFix.Stale) > 0 {
		return nil, fmt.Errorf("%s: the pinned document does not pass its own fixes (%s): run make fix", a.Name, oldFix.Stale[0].Fix)
	}
	newFix, err := p.fixAndReport(a, newUp)
	if err != nil {
		return nil, err
	}
	res.Stale = newFix.Stale
	fmt.Fprintf(w, "\nfixes on the new document: %d of %d no longer apply\n", len(newFix.Stale), fixCount(p, a))
	for _, s := range newFix.Stale {
		fmt.Fprintf(w, "  %s: %s\n", s.Fix, s.Why)
	}

	if res.Spec, err = specReport(ctx, l.Root, oldUp, newUp, oldFix, newFix); err != nil {
		return nil, err
	}
	fmt.Fprintln(w)
	res.Spec.Write(w, b.Verbose)

	var goErr error
	if !b.NoGoAPI {
		fmt.Fprintln(w)
		// A document the generator cannot handle is a finding, not the end
		// of the review: say so and print the rest.
		if res.Go, goErr = p.goReport(ctx, l, a, newFix.Fixed); goErr != nil {
			goErr = fmt.Errorf("go api report: %w", goErr)
			fmt.Fprintf(w, "Go API impact: not available: %v\n", goErr)
		} else {
			res.Go.Write(w, b.Verbose)
		}
	}

	entry, _ := marshalJSON(res.New, "  ")
	fmt.Fprintf(w, "\nlock entry:\n  %s\n", entry)
	if !b.Apply {
		fmt.Fprintln(w, "review the above, then rerun with APPLY=1 (and URL=, VERSION=, COMMIT= where missing) to write it and regenerate")
		return res, goErr
	}
	if goErr != nil {
		return res, fmt.Errorf("not applied: %w", goErr)
	}
	if len(newFix.Stale) > 0 {
		return res, fmt.Errorf("not applied: %d fixes no longer apply; update specs/pipeline.yaml or the overlays first", len(newFix.Stale))
	}
	if err := p.applyBump(ctx, l, res.New, newUp); err != nil {
		return res, err
	}
	fmt.Fprintf(w, "wrote specs/lock.json and regenerated; commit specs/ and the generated packages together\n")
	return res, nil
}

func fixCount(p *Pipeline, a API) int {
	n := len(a.Steps)
	for _, f := range a.Overlays {
		if r, err := actionReasons(filepath.Join(p.Dir, f)); err == nil {
			n += len(r)
		}
	}
	return n
}

func cmpOr(a, b int64) int64 {
	if a > 0 {
		return a
	}
	return b
}

var rawGitHubCommit = regexp.MustCompile(`^https://raw\.githubusercontent\.com/[^/]+/[^/]+/([0-9a-f]{40})/`)

// pin is the lock entry the candidate would get.
func (b Bump) pin(old Pin, doc []byte, mirror string) Pin {
	n := Pin{Name: old.Name, Version: b.Version, Commit: b.Commit, URL: b.URL, SHA256: digest(doc), Size: int64(len(doc))}
	isURL := strings.HasPrefix(b.New, "https://") || strings.HasPrefix(b.New, "http://")
	if n.URL == "" && isURL {
		n.URL = b.New
	}
	if m := rawGitHubCommit.FindStringSubmatch(n.URL); n.Commit == "" && m != nil {
		n.Commit = m[1]
	}
	base := ""
	if isURL {
		if u, err := url.Parse(b.New); err == nil {
			base = path.Base(u.Path)
		}
	} else {
		base = filepath.Base(b.New)
		if mirror != "" {
			m, errM := filepath.Abs(mirror)
			f, errF := filepath.Abs(b.New)
			if rel, err := filepath.Rel(m, f); errM == nil && errF == nil && err == nil && filepath.IsLocal(rel) {
				n.File = filepath.ToSlash(rel)
			}
		}
	}
	if n.File == "" {
		if base == "" || base == "." || base == "/" {
			base = path.Base(old.File)
		}
		n.File = path.Join(path.Dir(old.File), base)
	}
	return n
}

// applyBump writes the new pin into specs/lock.json, puts the verified
// document in the cache under its file name, and regenerates every API of
// the pin into gen/.
func (p *Pipeline) applyBump(ctx context.Context, l Layout, n Pin, doc []byte) error {
	var missing []string
	for _, f := range []struct{ name, v string }{{"URL", n.URL}, {"VERSION", n.Version}, {"COMMIT", n.Commit}} {
		if f.v == "" {
			missing = append(missing, f.name+"=")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("not applied: the lock entry needs %s", strings.Join(missing, " "))
	}
	if !filepath.IsLocal(filepath.FromSlash(n.File)) {
		return fmt.Errorf("not applied: file %q is not a relative path inside the cache", n.File)
	}
	lock := *p.Lock
	lock.Specs = append([]Pin(nil), p.Lock.Specs...)
	var names []string
	for i := range lock.Specs {
		if lock.Specs[i].Name == n.Name {
			lock.Specs[i] = n
		}
	}
	for _, a := range p.APIs {
		if a.Spec == n.Name {
			names = append(names, a.Name)
		}
	}
	if err := writeAtomic(l.Syncer().Path(n), doc); err != nil {
		return err
	}
	b, err := marshalJSON(lock, "")
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(l.SpecsDir(), "lock.json"), append(b, '\n')); err != nil {
		return err
	}
	np, err := LoadPipeline(l.SpecsDir())
	if err != nil {
		return err
	}
	return np.GenerateAll(ctx, l, names, l.Root)
}

// marshalJSON is json.MarshalIndent without HTML escaping, so URLs keep
// their "&": the lock file stays readable and diffs stay small.
func marshalJSON(v any, prefix string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
