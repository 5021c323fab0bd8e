package specs

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// StaleFix is a step or overlay action of the pipeline that no longer
// applies to a document: the pipeline refuses the document until it is
// updated or removed.
type StaleFix struct {
	// Fix names the step ("step unwrap-single-oneof") or the overlay action
	// ("umbraco17.overlay.yaml#2 $.components.schemas.X").
	Fix string
	// Why is what went wrong, and the action's reason from its comment.
	Why string
}

// fixReport is the outcome of running every fix of an API on a document
// without stopping at the first that fails.
type fixReport struct {
	// Fixed is the document after every fix that applied, as JSON.
	Fixed []byte
	// Stale lists the fixes that did not apply, in pipeline order.
	Stale []StaleFix
	// Touched maps a fix name to the operations ("op GET /x") and
	// components ("schemas/Name") it changed.
	Touched map[string]map[string]bool
	// Refs maps an operation ("op GET /x") to the components it refers
	// to, directly or through other components, in the fixed document.
	Refs map[string]map[string]bool
}

// fixAndReport applies a's steps and overlay actions to upstream one by one,
// like Fix, but records each one that changes nothing or matches nothing
// instead of stopping, and which operations and components each one changed.
// Overlay actions are applied one at a time, which is what ApplyToStrict does
// in order, so that a stale action is named on its own.
func (p *Pipeline) fixAndReport(a API, upstream []byte) (*fixReport, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(upstream)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: parse spec: %w", a.Name, err)
	}
	r := &fixReport{Touched: map[string]map[string]bool{}}
	before := fingerprints(&doc)
	note := func(name string) {
		after := fingerprints(&doc)
		t := map[string]bool{}
		for k, h := range after {
			if before[k] != h {
				t[k] = true
			}
		}
		for k := range before {
			if _, ok := after[k]; !ok {
				t[k] = true
			}
		}
		if len(t) > 0 && r.Touched[name] == nil {
			r.Touched[name] = t
		} else {
			for k := range t {
				r.Touched[name][k] = true
			}
		}
		before = after
	}
	// Steps run before the overlays, Late steps after them, as in Fix.
	steps := func(late bool) error {
		for _, name := range a.Steps {
			s, err := stepByName(name)
			if err != nil {
				return fmt.Errorf("%s: %w", a.Name, err)
			}
			if s.Late != late {
				continue
			}
			fix := "step " + name
			if s.Apply(&doc) == 0 {
				r.Stale = append(r.Stale, StaleFix{Fix: fix, Why: "changed nothing: upstream may have fixed it; remove it from pipeline.yaml"})
				continue
			}
			note(fix)
		}
		return nil
	}
	if err := steps(false); err != nil {
		return nil, err
	}
	for _, f := range a.Overlays {
		o, err := p.loadOverlay(a, f)
		if err != nil {
			return nil, err
		}
		reasons, err := actionReasons(filepath.Join(p.Dir, f))
		if err != nil {
			return nil, fmt.Errorf("%s: overlay %s: %w", a.Name, f, err)
		}
		for i, act := range o.Actions {
			one := *o
			one.Actions = o.Actions[i : i+1]
			fix := fmt.Sprintf("%s#%d %s", f, i+1, act.Target)
			warnings, err := one.ApplyToStrict(&doc)
			why := warnings
			if err != nil {
				// The error names the selector; the warnings repeat it.
				why = []string{err.Error()}
			}
			if len(why) > 0 {
				if i < len(reasons) && reasons[i] != "" {
					why = append(why, "reason: "+reasons[i])
				}
				r.Stale = append(r.Stale, StaleFix{Fix: fix, Why: strings.Join(why, "; ")})
			}
		}
		note(f)
	}
	if err := steps(true); err != nil {
		return nil, err
	}
	fixed, err := toJSON(&doc)
	if err != nil {
		return nil, err
	}
	r.Fixed = fixed
	r.Refs = operationRefs(&doc)
	return r, nil
}

// actionReasons returns the comment above each action of an overlay file,
// as one line, or the one above the group it belongs to: the project's rule
// is a "#" reason for every action.
func actionReasons(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		return nil, err
	}
	acts := get(root(&n), "actions")
	if acts == nil {
		return nil, nil
	}
	var out []string
	for _, a := range acts.Content {
		var words []string
		for line := range strings.Lines(a.HeadComment) {
			words = append(words, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "#")))
		}
		reason := strings.TrimSpace(strings.Join(words, " "))
		if reason == "" && len(out) > 0 {
			// One comment may give the reason for a group of actions.
			reason = out[len(out)-1]
		}
		out = append(out, reason)
	}
	return out, nil
}

// fingerprints hashes every operation ("op GET /x") and every component
// ("schemas/Name") of a document, so that what a fix changed can be found by
// comparing the hashes before and after it.
func fingerprints(doc *yaml.Node) map[string]uint64 {
	out := map[string]uint64{}
	top := root(doc)
	if paths := get(top, "paths"); paths != nil {
		for i := 0; i+1 < len(paths.Content); i += 2 {
			item := paths.Content[i+1]
			for j := 0; j+1 < len(item.Content); j += 2 {
				if m := strings.ToUpper(item.Content[j].Value); isHTTPMethod(m) {
					out["op "+m+" "+paths.Content[i].Value] = hashNode(item.Content[j+1])
				}
			}
		}
	}
	if comps := get(top, "components"); comps != nil {
		for i := 0; i+1 < len(comps.Content); i += 2 {
			kind := comps.Content[i+1]
			for j := 0; j+1 < len(kind.Content); j += 2 {
				out[comps.Content[i].Value+"/"+kind.Content[j].Value] = hashNode(kind.Content[j+1])
			}
		}
	}
	return out
}

func isHTTPMethod(m string) bool {
	switch m {
	case "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE":
		return true
	}
	return false
}

func hashNode(n *yaml.Node) uint64 {
	h := fnv.New64a()
	var buf []byte
	var rec func(n *yaml.Node)
	rec = func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		buf = append(buf[:0], byte(n.Kind))
		buf = append(buf, n.Tag...)
		buf = append(buf, 0)
		buf = append(buf, n.Value...)
		buf = append(buf, 0)
		h.Write(buf)
		for _, c := range n.Content {
			rec(c)
		}
		h.Write([]byte{1})
	}
	rec(n)
	return h.Sum64()
}

// operationRefs maps each operation to the components ("schemas/Name") it
// reaches through $ref, transitively.
func operationRefs(doc *yaml.Node) map[string]map[string]bool {
	top := root(doc)
	direct := func(n *yaml.Node) []string {
		var refs []string
		walk(n, func(m *yaml.Node) {
			if r := get(m, "$ref"); r != nil {
				if c, ok := strings.CutPrefix(r.Value, "#/components/"); ok {
					refs = append(refs, c)
				}
			}
		})
		return refs
	}
	comps := map[string][]string{}
	if c := get(top, "components"); c != nil {
		for i := 0; i+1 < len(c.Content); i += 2 {
			kind := c.Content[i+1]
			for j := 0; j+1 < len(kind.Content); j += 2 {
				comps[c.Content[i].Value+"/"+kind.Content[j].Value] = direct(kind.Content[j+1])
			}
		}
	}
	out := map[string]map[string]bool{}
	paths := get(top, "paths")
	if paths == nil {
		return out
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			m := strings.ToUpper(item.Content[j].Value)
			if !isHTTPMethod(m) {
				continue
			}
			seen := map[string]bool{}
			todo := direct(item.Content[j+1])
			for len(todo) > 0 {
				c := todo[len(todo)-1]
				todo = todo[:len(todo)-1]
				if seen[c] {
					continue
				}
				seen[c] = true
				todo = append(todo, comps[c]...)
			}
			out["op "+m+" "+paths.Content[i].Value] = seen
		}
	}
	return out
}
