package specs

import (
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// nullableRequestMembers gives each primitive member that a request body
// schema declares nullable (OpenAPI 3.1 type [T, "null"]) the Go type
// mgmtapi.Nullable[T], so that a caller can send null (to clear it) as
// well as omit it or send a value. Only schemas that no response or other
// schema uses are changed: responses keep their plain pointers.
func nullableRequestMembers(doc *yaml.Node) int {
	r := root(doc)
	schemas := get(get(r, "components"), "schemas")
	if schemas == nil {
		return 0
	}
	refName := func(m *yaml.Node, into map[string]bool) {
		walk(m, func(n *yaml.Node) {
			if ref := get(n, "$ref"); ref != nil && strings.HasPrefix(ref.Value, "#/components/schemas/") {
				into[strings.TrimPrefix(ref.Value, "#/components/schemas/")] = true
			}
		})
	}
	inRequest, elsewhere := map[string]bool{}, map[string]bool{}
	paths := get(r, "paths")
	for i := 1; paths != nil && i < len(paths.Content); i += 2 {
		item := paths.Content[i]
		for j := 0; j+1 < len(item.Content); j += 2 {
			op := item.Content[j+1]
			if op.Kind != yaml.MappingNode {
				continue
			}
			for k := 0; k+1 < len(op.Content); k += 2 {
				if op.Content[k].Value == "requestBody" {
					refName(op.Content[k+1], inRequest)
				} else {
					refName(op.Content[k+1], elsewhere)
				}
			}
		}
	}
	for i := 0; i+1 < len(schemas.Content); i += 2 {
		inner := map[string]bool{}
		refName(schemas.Content[i+1], inner)
		for n := range inner {
			if n != schemas.Content[i].Value {
				elsewhere[n] = true
			}
		}
	}
	var names []string
	for n := range inRequest {
		if !elsewhere[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	count := 0
	for _, name := range names {
		props := get(get(schemas, name), "properties")
		for i := 1; props != nil && i < len(props.Content); i += 2 {
			p := props.Content[i]
			if t := nullableGoType(p); t != "" {
				set(p, "x-go-type", str("mgmtapi.Nullable["+t+"]"))
				set(p, "x-go-type-import", mapping(str("path"), str("github.com/mgmtapi/mgmtapi")))
				count++
			}
		}
	}
	return count
}

// nullableGoType returns the Go type of a primitive schema whose type is
// [T, "null"], or "" for anything else.
func nullableGoType(p *yaml.Node) string {
	t := get(p, "type")
	if t == nil || t.Kind != yaml.SequenceNode || len(t.Content) != 2 {
		return ""
	}
	var other string
	null := false
	for _, v := range t.Content {
		if v.Value == "null" {
			null = true
		} else {
			other = v.Value
		}
	}
	if !null {
		return ""
	}
	format := ""
	if f := get(p, "format"); f != nil {
		format = f.Value
	}
	switch other {
	case "string":
		if format == "" || format == "email" || format == "uri" || format == "hostname" {
			return "string"
		}
	case "boolean":
		return "bool"
	case "integer":
		switch format {
		case "int32":
			return "int32"
		case "int64":
			return "int64"
		case "":
			return "int"
		}
	case "number":
		if format == "float" {
			return "float32"
		}
		return "float64"
	}
	return ""
}
