package specs

import (
	"fmt"
	"slices"

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
			Why:   "Swashbuckle wraps each $ref as oneOf:[$ref], which oapi-codegen turns into opaque union types; unwrap to the $ref, keeping nullable/readOnly siblings through allOf",
			Apply: unwrapSingleOneOf,
		},
		{
			Name:  "json-request-bodies-only",
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
			Name:  "type-untyped-enums",
			Why:   "enum schemas without a type become interface{} with no constants, and a null in an enum becomes a junk constant; infer the type from the values and drop null",
			Apply: typeUntypedEnums,
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

// unwrapSingleOneOf rewrites {oneOf: [{$ref: X}]} to {$ref: X}, or, when the
// wrapper carries other keywords (nullable, readOnly, description ...), to
// {allOf: [{$ref: X}], ...}: OpenAPI 3.0 ignores siblings of $ref, and the
// nullable pointer is what breaks self-referencing schemas' recursion.
func unwrapSingleOneOf(doc *yaml.Node) int {
	n := 0
	walk(doc, func(m *yaml.Node) {
		one := get(m, "oneOf")
		if one == nil || one.Kind != yaml.SequenceNode || len(one.Content) != 1 {
			return
		}
		ref := one.Content[0]
		if get(ref, "$ref") == nil || len(ref.Content) != 2 {
			return
		}
		n++
		del(m, "oneOf")
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
