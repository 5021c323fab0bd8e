package specs

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"
)

// specIndex is what a maintainer needs to judge a pin bump: operations by
// "METHOD path" and schema names.
type specIndex struct {
	ops     map[string]any // "GET /path" -> operation object
	opIDs   map[string]string
	schemas map[string]bool
}

func indexSpec(b []byte) (*specIndex, error) {
	var doc struct {
		Paths      map[string]map[string]any `yaml:"paths"`
		Components struct {
			Schemas map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parse spec: %w", err)
	}
	ix := &specIndex{ops: map[string]any{}, opIDs: map[string]string{}, schemas: map[string]bool{}}
	for path, item := range doc.Paths {
		for _, m := range []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"} {
			op, ok := item[m]
			if !ok {
				continue
			}
			key := strings.ToUpper(m) + " " + path
			ix.ops[key] = op
			if om, ok := op.(map[string]any); ok {
				ix.opIDs[key], _ = om["operationId"].(string)
			}
		}
	}
	for name := range doc.Components.Schemas {
		ix.schemas[name] = true
	}
	return ix, nil
}

// Diff prints the operations added, removed and changed, and the schemas
// added and removed, between api's pinned upstream spec and newSpec (a file
// or an http(s) URL, e.g. a live Umbraco's /umbraco/openapi/management.json).
func (p *Pipeline) Diff(ctx context.Context, l Layout, api, newSpec string, w io.Writer) error {
	a, ok := p.API(api)
	if !ok {
		return fmt.Errorf("unknown api %q (have %s)", api, strings.Join(p.Names(), ", "))
	}
	pin, _ := p.Lock.Pin(a.Spec)
	oldB, err := readVerified(ctx, l.Syncer(), pin)
	if err != nil {
		return err
	}
	newB, err := readSpecSource(ctx, newSpec, MaxSpecSize)
	if err != nil {
		return err
	}
	return writeDiff(w, pin, oldB, newB, newSpec)
}

func writeDiff(w io.Writer, pin Pin, oldB, newB []byte, newName string) error {
	oldIx, err := indexSpec(oldB)
	if err != nil {
		return fmt.Errorf("pinned %s: %w", pin.Name, err)
	}
	newIx, err := indexSpec(newB)
	if err != nil {
		return fmt.Errorf("%s: %w", newName, err)
	}
	var added, removed, changed []string
	for k := range newIx.ops {
		if _, ok := oldIx.ops[k]; !ok {
			added = append(added, fmt.Sprintf("+ %s  %s", k, newIx.opIDs[k]))
		}
	}
	for k, op := range oldIx.ops {
		nop, ok := newIx.ops[k]
		switch {
		case !ok:
			removed = append(removed, fmt.Sprintf("- %s  %s", k, oldIx.opIDs[k]))
		case !reflect.DeepEqual(op, nop):
			id := oldIx.opIDs[k]
			if newIx.opIDs[k] != id {
				id += " -> " + newIx.opIDs[k]
			}
			changed = append(changed, fmt.Sprintf("~ %s  %s", k, id))
		}
	}
	var sAdded, sRemoved []string
	for k := range newIx.schemas {
		if !oldIx.schemas[k] {
			sAdded = append(sAdded, "+ "+k)
		}
	}
	for k := range oldIx.schemas {
		if !newIx.schemas[k] {
			sRemoved = append(sRemoved, "- "+k)
		}
	}
	fmt.Fprintf(w, "pinned %s (%s) -> %s\n", pin.Name, pin.Version, newName)
	for _, sec := range []struct {
		title string
		rows  []string
	}{
		{"operations added", added}, {"operations removed", removed}, {"operations changed", changed},
		{"schemas added", sAdded}, {"schemas removed", sRemoved},
	} {
		sort.Strings(sec.rows)
		fmt.Fprintf(w, "%s: %d\n", sec.title, len(sec.rows))
		for _, r := range sec.rows {
			fmt.Fprintln(w, "  "+r)
		}
	}
	return nil
}

// MaxSpecSize bounds a candidate document read by diff and bump: the largest
// pinned document (Auth0's) is under 4 MiB, and a larger answer is an error
// naming the limit, never a truncated document.
const MaxSpecSize = 64 << 20

// readSpecSource reads a candidate document from a regular file or an http(s)
// URL, refusing anything over max bytes, and devices, FIFOs and directories
// (a FIFO would block the read past ctx).
func readSpecSource(ctx context.Context, src string, max int64) ([]byte, error) {
	var r io.Reader
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		// O_NONBLOCK: opening a FIFO must not wait for a writer.
		f, err := os.OpenFile(src, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file", src)
		}
		r = f
	} else {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return nil, err
		}
		resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: HTTP %s", src, resp.Status)
		}
		r = resp.Body
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", src, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: %w: over the %d-byte limit (specs.MaxSpecSize)", src, errTooLarge, max)
	}
	return b, nil
}
