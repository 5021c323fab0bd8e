package specs

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Step is a deterministic normalisation of an upstream document, applied
// before the overlays. Steps exist for fixes an overlay cannot express
// because they apply to a shape wherever it occurs (hundreds of places), not
// to named targets.
type Step struct {
	// Name is how pipeline.yaml refers to the step.
	Name string
	// Why is the one-line reason, printed by `specs steps`.
	Why string
	// Dedup marks steps that only remove duplication (the same schema or
	// body generated several times); the build-cost baseline leaves them
	// out, keeping the steps without which the output does not compile.
	Dedup bool
	// Late marks steps applied after the overlays instead of before, for
	// fixes that must also cover the schemas the overlays add or replace.
	Late bool
	// Apply rewrites the document in place and returns how many places it
	// changed; a step that changes nothing is reported as an error, so a
	// fix that upstream made unnecessary is noticed and removed.
	Apply func(doc *yaml.Node) int
}

// Steps returns every known step.
func Steps() []Step {
	return []Step{
		{
			Name:  "unwrap-single-oneof",
			Dedup: true,
			Why:   "Swashbuckle wraps each $ref as oneOf:[$ref], which oapi-codegen turns into opaque union types; unwrap to the $ref, keeping nullable/readOnly siblings through allOf",
			Apply: unwrapSingleOneOf,
		},
		{
			Name:  "merge-identical-schemas",
			Dedup: true,
			Why:   "many component schemas are the same object under several names (Get/Create/Update...ResponseContent); keep one and make the others $refs to it, which oapi-codegen emits as type aliases",
			Apply: mergeIdenticalSchemas,
		},
		{
			Name:  "json-request-bodies-only",
			Dedup: true,
			Why:   "request bodies offered as application/json and also text/json, application/*+json or form-encoded generate one method per media type; keep application/json only",
			Apply: jsonRequestBodiesOnly,
		},
		{
			Name:  "dedupe-union-members",
			Why:   "a oneOf/anyOf that lists the same member twice generates duplicate methods that do not compile; drop the repeats",
			Apply: dedupeUnionMembers,
		},
		{
			Name:  "scim-media-type-as-json",
			Why:   "bodies declared only as application/scim+json generate methods like CreateUserWithApplicationScimPlusJSONBody and fields like ApplicationscimJSON200; declare them as application/json, which Asgardeo and WSO2 IS accept and which still decodes scim+json responses",
			Apply: scimMediaTypeAsJSON,
		},
		{
			Name:  "drop-mistyped-examples",
			Why:   "examples that contradict their schema's type (an array example on a string item, a list on an object) make Prism --errors answer 500 and validators fail; drop them so mocks generate from the schema",
			Apply: dropMistypedExamples,
		},
		{
			Name:  "nullable-request-members",
			Why:   "request members typed [T, null] generate *T, which cannot send null to clear a value (Auth0 PATCH /users/{id} name, email, ...); type them mgmtapi.Nullable[T] (absent, null or a value), in request-only schemas",
			Apply: nullableRequestMembers,
		},
		{
			Name:  "type-untyped-enums",
			Why:   "enum schemas without a type become interface{} with no constants, and a null in an enum becomes a junk constant; infer the type from the values and drop null",
			Apply: typeUntypedEnums,
		},
		{
			Name:  "scim-media-type-and-json",
			Why:   "SCIM's media type is application/scim+json (RFC 7644 §3.1, §8.1) and Asgardeo also accepts application/json; declare both so Prism and validators accept the real wire, while the codegen overlay specs/scim.codegen-overlay.yaml keeps the generated names on application/json",
			Apply: scimMediaTypeAndJSON,
		},
		{
			Name:  "keep-unknown-members",
			Late:  true,
			Why:   "servers send members their documents do not declare and Go silently drops them; declare additionalProperties: true on every object schema with properties (also where the vendor wrote false), after the overlays, so the generated type keeps them in AdditionalProperties and re-encodes them",
			Apply: keepUnknownMembers,
		},
	}
}

func stepByName(name string) (Step, error) {
	for _, s := range Steps() {
		if s.Name == name {
			return s, nil
		}
	}
	return Step{}, fmt.Errorf("unknown step %q", name)
}

// unwrapSingleOneOf rewrites {oneOf: [{$ref: X}]} (or anyOf) to {$ref: X},
// or, when the wrapper carries other keywords (nullable, readOnly,
// description ...), to {allOf: [{$ref: X}], ...}: OpenAPI 3.0 ignores
// siblings of $ref, and the nullable pointer is what breaks self-referencing
// schemas' recursion.
func unwrapSingleOneOf(doc *yaml.Node) int {
	n := 0
	walk(doc, func(m *yaml.Node) {
		key := "oneOf"
		one := get(m, key)
		if one == nil {
			key = "anyOf"
			one = get(m, key)
		}
		if one == nil || one.Kind != yaml.SequenceNode || len(one.Content) != 1 {
			return
		}
		ref := one.Content[0]
		if get(ref, "$ref") == nil || len(ref.Content) != 2 {
			return
		}
		n++
		del(m, key)
		if len(m.Content) == 0 {
			m.Content = ref.Content
			return
		}
		m.Content = append([]*yaml.Node{str("allOf"), seq(ref)}, m.Content...)
	})
	return n
}

// jsonRequestBodiesOnly keeps only application/json in every request body
// that offers it next to other media types.
func jsonRequestBodiesOnly(doc *yaml.Node) int {
	n := 0
	paths := get(root(doc), "paths")
	walk(paths, func(m *yaml.Node) {
		content := get(get(m, "requestBody"), "content")
		if content == nil || get(content, "application/json") == nil || len(content.Content) == 2 {
			return
		}
		for i := 0; i+1 < len(content.Content); {
			if content.Content[i].Value != "application/json" {
				content.Content = append(content.Content[:i], content.Content[i+2:]...)
				n++
				continue
			}
			i += 2
		}
	})
	return n
}

// dedupeUnionMembers drops repeated $ref members of oneOf and anyOf lists.
func dedupeUnionMembers(doc *yaml.Node) int {
	n := 0
	walk(doc, func(m *yaml.Node) {
		for _, k := range []string{"oneOf", "anyOf"} {
			list := get(m, k)
			if list == nil || list.Kind != yaml.SequenceNode {
				continue
			}
			var seen []string
			list.Content = slices.DeleteFunc(list.Content, func(item *yaml.Node) bool {
				r := get(item, "$ref")
				if r == nil || len(item.Content) != 2 {
					return false
				}
				if slices.Contains(seen, r.Value) {
					n++
					return true
				}
				seen = append(seen, r.Value)
				return false
			})
		}
	})
	return n
}

// typeUntypedEnums gives every named enum schema without a type the type of
// its values, and removes null from enums (the property that uses the enum
// carries nullability itself).
func typeUntypedEnums(doc *yaml.Node) int {
	n := 0
	schemas := get(get(root(doc), "components"), "schemas")
	if schemas == nil {
		return 0
	}
	for i := 1; i < len(schemas.Content); i += 2 {
		s := schemas.Content[i]
		enum := get(s, "enum")
		if enum == nil || enum.Kind != yaml.SequenceNode {
			continue
		}
		changed := false
		enum.Content = slices.DeleteFunc(enum.Content, func(v *yaml.Node) bool {
			if v.Tag == "!!null" {
				changed = true
				return true
			}
			return false
		})
		if get(s, "type") == nil {
			if t := enumType(enum); t != "" {
				set(s, "type", str(t))
				changed = true
			}
		}
		if changed {
			n++
		}
	}
	return n
}

// enumType is the JSON type shared by all values, or "" if they differ.
func enumType(enum *yaml.Node) string {
	t := ""
	for _, v := range enum.Content {
		var vt string
		switch v.Tag {
		case "!!str":
			vt = "string"
		case "!!int":
			vt = "integer"
		case "!!float":
			vt = "number"
		case "!!bool":
			vt = "boolean"
		default:
			return ""
		}
		if t != "" && t != vt {
			return ""
		}
		t = vt
	}
	return t
}

// scimMediaTypeAsJSON renames application/scim+json content entries to
// application/json where the body has no application/json entry already.
func scimMediaTypeAsJSON(doc *yaml.Node) int {
	n := 0
	walk(get(root(doc), "paths"), func(m *yaml.Node) {
		content := get(m, "content")
		if content == nil || get(content, "application/json") != nil {
			return
		}
		for i := 0; i+1 < len(content.Content); i += 2 {
			if content.Content[i].Value == "application/scim+json" {
				content.Content[i] = str("application/json")
				n++
			}
		}
	})
	return n
}

// mergeIdenticalSchemas replaces every component schema that is identical to
// another one, ignoring documentation-only keywords (description, title,
// examples, vendor extensions other than x-go-*/x-oapi-*), by a $ref to a
// single canonical copy. It repeats until nothing changes, since merging
// schemas can make the schemas that refer to them identical too. The
// canonical copy is the one with a domain name (not ...RequestContent or
// ...ResponseContent), then the shortest name, then the first in sort order.
func mergeIdenticalSchemas(doc *yaml.Node) int {
	schemas := get(get(root(doc), "components"), "schemas")
	if schemas == nil {
		return 0
	}
	const prefix = "#/components/schemas/"
	alias := map[string]string{} // merged name -> canonical name
	merged := 0
	for {
		groups := map[string][]string{}
		var order []string
		for i := 0; i+1 < len(schemas.Content); i += 2 {
			name := schemas.Content[i].Value
			if _, done := alias[name]; done {
				continue
			}
			var b strings.Builder
			fingerprint(&b, schemas.Content[i+1], func(ref string) string {
				if c, ok := alias[strings.TrimPrefix(ref, prefix)]; ok {
					return prefix + c
				}
				return ref
			})
			fp := b.String()
			if _, seen := groups[fp]; !seen {
				order = append(order, fp)
			}
			groups[fp] = append(groups[fp], name)
		}
		changed := 0
		for _, fp := range order {
			names := groups[fp]
			if len(names) < 2 {
				continue
			}
			slices.SortFunc(names, func(a, b string) int {
				if x, y := isContentName(a), isContentName(b); x != y {
					if x {
						return 1
					}
					return -1
				}
				if len(a) != len(b) {
					return len(a) - len(b)
				}
				return strings.Compare(a, b)
			})
			for _, name := range names[1:] {
				alias[name] = names[0]
				changed++
			}
		}
		if changed == 0 {
			break
		}
		merged += changed
	}
	for i := 0; i+1 < len(schemas.Content); i += 2 {
		if c, ok := alias[schemas.Content[i].Value]; ok {
			schemas.Content[i+1] = mapping(str("$ref"), str(prefix+c))
		}
	}
	return merged
}

func isContentName(s string) bool {
	return strings.HasSuffix(s, "RequestContent") || strings.HasSuffix(s, "ResponseContent")
}

// fingerprint writes a canonical form of n that ignores key order and
// documentation-only keywords, with $ref values passed through ref.
func fingerprint(b *strings.Builder, n *yaml.Node, ref func(string) string) {
	switch n.Kind {
	case yaml.MappingNode:
		type kv struct {
			k string
			v *yaml.Node
		}
		var kvs []kv
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if docOnly(k) {
				continue
			}
			kvs = append(kvs, kv{k, n.Content[i+1]})
		}
		slices.SortFunc(kvs, func(a, b kv) int { return strings.Compare(a.k, b.k) })
		b.WriteByte('{')
		for _, e := range kvs {
			fmt.Fprintf(b, "%q:", e.k)
			if e.k == "$ref" {
				fmt.Fprintf(b, "%q", ref(e.v.Value))
			} else {
				fingerprint(b, e.v, ref)
			}
			b.WriteByte(',')
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for _, c := range n.Content {
			fingerprint(b, c, ref)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case yaml.AliasNode:
		fingerprint(b, n.Alias, ref)
	default:
		fmt.Fprintf(b, "%s%q", n.ShortTag(), n.Value)
	}
}

func docOnly(key string) bool {
	switch key {
	case "description", "title", "example", "examples", "externalDocs":
		return true
	}
	return strings.HasPrefix(key, "x-") && !strings.HasPrefix(key, "x-go") && !strings.HasPrefix(key, "x-oapi")
}

// dropMistypedExamples removes "example" values whose JSON kind contradicts
// the single type their schema declares.
func dropMistypedExamples(doc *yaml.Node) int {
	n := 0
	walk(doc, func(m *yaml.Node) {
		t, ex := get(m, "type"), get(m, "example")
		if t == nil || ex == nil || t.Kind != yaml.ScalarNode || ex.Kind == yaml.AliasNode {
			return
		}
		if !exampleFits(t.Value, ex) {
			del(m, "example")
			n++
		}
	})
	return n
}

func exampleFits(typ string, ex *yaml.Node) bool {
	if ex.ShortTag() == "!!null" {
		return true // nullability is another keyword's business
	}
	switch typ {
	case "array":
		return ex.Kind == yaml.SequenceNode
	case "object":
		return ex.Kind == yaml.MappingNode
	case "string":
		return ex.Kind == yaml.ScalarNode
	case "integer":
		return ex.ShortTag() == "!!int"
	case "number":
		return ex.ShortTag() == "!!int" || ex.ShortTag() == "!!float"
	case "boolean":
		return ex.ShortTag() == "!!bool"
	}
	return true
}

// keepUnknownMembers sets additionalProperties: true on every object schema
// that declares properties and no additionalProperties schema (absent or
// false), outside unions (a union keeps its raw JSON already). Absent
// additionalProperties means the same to a validator; false is relaxed on
// purpose, because the servers do send more than their documents say.
func keepUnknownMembers(doc *yaml.Node) int {
	n := 0
	variants := unionVariants(root(doc))
	walkSchemas(root(doc), func(s *yaml.Node) {
		props := get(s, "properties")
		if props == nil || props.Kind != yaml.MappingNode || len(props.Content) == 0 {
			return
		}
		if t := get(s, "type"); t != nil && t.Kind == yaml.ScalarNode && t.Value != "object" {
			return
		}
		if get(s, "oneOf") != nil || get(s, "anyOf") != nil {
			return
		}
		ap := get(s, "additionalProperties")
		if ap != nil && !(ap.Kind == yaml.ScalarNode && ap.Value == "false") {
			return
		}
		if ap != nil && variants[s] {
			return // validators tell the union's objects apart by it; the union keeps the raw JSON
		}
		set(s, "additionalProperties", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		n++
	})
	return n
}

// unionVariants returns the object schemas listed in a oneOf or anyOf that
// has two or more of them (a validator may need their additionalProperties:
// false to tell them apart), directly or through component schemas that are
// only a $ref to another.
func unionVariants(doc *yaml.Node) map[*yaml.Node]bool {
	schemas := get(get(doc, "components"), "schemas")
	resolve := func(n *yaml.Node) *yaml.Node {
		for range 16 {
			r := get(n, "$ref")
			if r == nil || len(n.Content) != 2 || !strings.HasPrefix(r.Value, "#/components/schemas/") {
				return n
			}
			next := get(schemas, strings.TrimPrefix(r.Value, "#/components/schemas/"))
			if next == nil {
				return n
			}
			n = next
		}
		return n
	}
	out := map[*yaml.Node]bool{}
	walkSchemas(doc, func(m *yaml.Node) {
		for _, k := range []string{"oneOf", "anyOf"} {
			list := get(m, k)
			if list == nil || list.Kind != yaml.SequenceNode {
				continue
			}
			var objects []*yaml.Node
			for _, item := range list.Content {
				if r := resolve(item); get(r, "properties") != nil {
					objects = append(objects, r)
				}
			}
			if len(objects) < 2 {
				continue // an array and an object, say: the type tells them apart
			}
			for _, o := range objects {
				out[o] = true
			}
		}
	})
	return out
}

// walkSchemas calls f for every mapping below n that can be a schema, parents
// first. Unlike walk it does not call f for a "properties" map itself (its
// keys are member names, one of which may be "properties"), nor descend into
// examples, defaults, enums or extensions, which hold data, not schemas.
func walkSchemas(n *yaml.Node, f func(m *yaml.Node)) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			walkSchemas(c, f)
		}
	case yaml.MappingNode:
		f(n)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			switch {
			case k == "example" || k == "examples" || k == "default" || k == "enum" || k == "const" || strings.HasPrefix(k, "x-"):
			case k == "properties" && v.Kind == yaml.MappingNode:
				for j := 1; j < len(v.Content); j += 2 {
					walkSchemas(v.Content[j], f)
				}
			default:
				walkSchemas(v, f)
			}
		}
	}
}

// scimMediaTypeAndJSON adds an application/json entry, a copy of the
// application/scim+json one, to every content map under paths that has
// application/scim+json but no application/json.
func scimMediaTypeAndJSON(doc *yaml.Node) int {
	n := 0
	walk(get(root(doc), "paths"), func(m *yaml.Node) {
		content := get(m, "content")
		scimJSON := get(content, "application/scim+json")
		if scimJSON == nil || get(content, "application/json") != nil {
			return
		}
		set(content, "application/json", deepCopy(scimJSON))
		n++
	})
	return n
}

// deepCopy returns a copy of n that shares no nodes with it.
func deepCopy(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = deepCopy(k)
	}
	return &c
}
