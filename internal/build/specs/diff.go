package specs

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

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
