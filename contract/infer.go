package contract

import (
	"slices"
	"time"
)

const (
	// maxShapeDepth, maxShapeProps and maxShapeNodes bound an inferred
	// schema, whatever the traffic (see Drift for the other bounds).
	maxShapeDepth = 32
	maxShapeProps = 256
	maxShapeNodes = 4096
)

// growth is what one inferred schema, and all of a Drift's together, may
// still add; cut counts what was left out.
type growth struct {
	left  *int // nodes this schema may still add
	total *int // nodes of every schema of the Drift so far
	cut   int
}

// node tells whether one more node may be added, and counts it.
func (g *growth) node() bool {
	if *g.left <= 0 || *g.total >= maxDriftShapeNodes {
		g.cut++
		return false
	}
	*g.left--
	*g.total++
	return true
}

// shape accumulates the JSON values seen at one place into a schema: their
// types, object members and array items, never the values themselves.
type shape struct {
	types    map[string]bool
	props    map[string]*shape
	items    *shape
	notDates bool // some string was not an RFC 3339 date-time
	strings  bool
}

func (sh *shape) add(v any, depth int, g *growth) {
	if sh.types == nil {
		sh.types = map[string]bool{}
	}
	t := jsonType(v)
	sh.types[t] = true
	if depth >= maxShapeDepth {
		return
	}
	switch v := v.(type) {
	case string:
		sh.strings = true
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			sh.notDates = true
		}
	case map[string]any:
		for name, m := range v {
			name = cut(name, maxNameLen)
			p := sh.props[name]
			if p == nil {
				if len(sh.props) >= maxShapeProps {
					g.cut++
					continue
				}
				if !g.node() {
					continue
				}
				if sh.props == nil {
					sh.props = map[string]*shape{}
				}
				p = &shape{}
				sh.props[name] = p
			}
			p.add(m, depth+1, g)
		}
	case []any:
		if sh.items == nil {
			if !g.node() {
				return
			}
			sh.items = &shape{}
		}
		for _, e := range v {
			sh.items.add(e, depth+1, g)
		}
	}
}

// schema renders the shape as a JSON Schema in the dialect of OpenAPI 3.1
// (type lists) or 3.0 (nullable; no type when several were seen).
func (sh *shape) schema(oas31 bool) map[string]any {
	out := map[string]any{}
	if sh == nil || len(sh.types) == 0 {
		return out
	}
	var types []string
	for _, t := range []string{"array", "boolean", "integer", "number", "object", "string"} {
		if sh.types[t] && !(t == "integer" && sh.types["number"]) {
			types = append(types, t)
		}
	}
	null := sh.types["null"]
	switch {
	case oas31 && null:
		types = append(types, "null")
		if len(types) == 1 {
			out["type"] = "null"
		} else {
			out["type"] = types
		}
	case oas31 && len(types) > 1:
		out["type"] = types
	case len(types) == 1:
		out["type"] = types[0]
	}
	if !oas31 && null {
		out["nullable"] = true
	}
	if slices.Contains(types, "string") && sh.strings && !sh.notDates {
		out["format"] = "date-time"
	}
	if slices.Contains(types, "object") {
		props := map[string]any{}
		for name, p := range sh.props {
			props[name] = p.schema(oas31)
		}
		if len(props) > 0 {
			out["properties"] = props
		}
	}
	if slices.Contains(types, "array") {
		items := map[string]any{}
		if sh.items != nil {
			items = sh.items.schema(oas31)
		}
		out["items"] = items
	}
	return out
}
