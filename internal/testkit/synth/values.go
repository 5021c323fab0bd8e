package synth

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/getkin/kin-openapi/openapi3"
)

// FixedUUID is the value of every generated uuid.
const FixedUUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

// maxDepth bounds the nesting of synthesized values (schemas may recurse).
const maxDepth = 12

// stringFormats are the values used for strings of a known format.
var stringFormats = map[string]string{
	"uuid":          FixedUUID,
	"guid":          FixedUUID,
	"date-time":     "2024-01-02T03:04:05Z",
	"date":          "2024-01-02",
	"time":          "03:04:05",
	"email":         "user@example.com",
	"idn-email":     "user@example.com",
	"uri":           "https://example.com/x",
	"url":           "https://example.com/x",
	"iri":           "https://example.com/x",
	"uri-reference": "https://example.com/x",
	"hostname":      "example.com",
	"idn-hostname":  "example.com",
	"ipv4":          "192.0.2.1",
	"ipv6":          "2001:db8::1",
	"byte":          "eA==",
	"binary":        "x",
	"password":      "Passw0rd!-Passw0rd",
	"duration":      "P1D",
	"regex":         "x",
}

// patternCandidates are tried, in order, for strings with a pattern.
var patternCandidates = []string{
	"x", "abc", "abc123", "Abc123", "a1", "1", "123", "x-1", "x_1", "abc.def",
	"auth0|abc123", "con_abc123", "rol_abc123", "org_abc123", "cgr_abc123",
	"https://example.com", "user@example.com", "en", "en-US", "#ffffff", "+15555550100",
	"abcdefghijklmnop", "ABCDEF", "/x", FixedUUID,
}

// Sampler builds values for schemas and checks them with kin-openapi.
type Sampler struct {
	// OAS31 selects JSON Schema 2020-12 semantics (OpenAPI 3.1 documents).
	OAS31 bool
	// Response builds and checks values the way a response body is
	// validated: readOnly members are kept, writeOnly ones left out (a
	// request is the other way round).
	Response bool
}

// Validate checks v against s the way a request is validated.
func (sm Sampler) Validate(s *openapi3.Schema, v any) error {
	visit := openapi3.VisitAsRequest()
	if sm.Response {
		visit = openapi3.VisitAsResponse()
	}
	opts := []openapi3.SchemaValidationOption{
		visit, openapi3.MultiErrors(), openapi3.EnableFormatValidation(),
		openapi3.SetSchemaRegexCompiler(compileECMAScript),
	}
	if sm.OAS31 {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	return s.VisitJSON(v, opts...)
}

type ecmaMatcher struct{ re *regexp2.Regexp }

func (m ecmaMatcher) MatchString(s string) bool {
	ok, err := m.re.MatchString(s)
	return err == nil && ok
}

func compileECMAScript(expr string) (openapi3.RegexMatcher, error) {
	re, err := regexp2.Compile(expr, regexp2.ECMAScript)
	if err != nil {
		re, err = regexp2.Compile(expr, regexp2.None)
		if err != nil {
			return nil, err
		}
	}
	re.MatchTimeout = 250 * time.Millisecond
	return ecmaMatcher{re}, nil
}

// Normalize turns v into what encoding/json would decode it to.
func Normalize(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}

// Valid returns v in JSON form when it satisfies s.
func (sm Sampler) Valid(s *openapi3.Schema, v any) (any, bool) {
	if v == nil {
		return nil, false
	}
	n, err := Normalize(v)
	if err != nil {
		return nil, false
	}
	if sm.Validate(s, n) != nil {
		return nil, false
	}
	return n, true
}

// exampleOf returns the first example the schema itself carries that
// satisfies it.
func (sm Sampler) exampleOf(s *openapi3.Schema) (any, bool) {
	cands := []any{s.Example}
	cands = append(cands, s.Examples...)
	cands = append(cands, s.Default)
	for _, c := range cands {
		if v, ok := sm.Valid(s, c); ok {
			return v, true
		}
	}
	return nil, false
}

// Sample synthesizes a value for s: an example or default when valid,
// else a minimal value built from the schema (required properties only),
// checked against s. ok is false when no valid value was found.
func (sm Sampler) Sample(ref *openapi3.SchemaRef) (any, bool) {
	if ref == nil || ref.Value == nil {
		return "x", true
	}
	v := sm.Build(ref.Value, 0)
	return sm.Valid(ref.Value, v)
}

// Build makes a candidate value for s without checking it; depth is the
// nesting level (0 for a top-level call), bounded so recursive schemas end.
func (sm Sampler) Build(s *openapi3.Schema, depth int) any {
	if depth > maxDepth {
		return nil
	}
	if v, ok := sm.exampleOf(s); ok {
		return v
	}
	if s.Const != nil {
		return s.Const
	}
	for _, e := range s.Enum {
		if e != nil {
			return e
		}
	}
	if len(s.AllOf) > 0 {
		return sm.buildAllOf(s, depth)
	}
	if alts := append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...); len(alts) > 0 {
		for _, alt := range alts {
			if alt.Value == nil {
				continue
			}
			v := sm.Build(alt.Value, depth+1)
			if obj, ok := v.(map[string]any); ok && s.Discriminator != nil {
				setDiscriminator(s.Discriminator, alt, obj)
			}
			if n, ok := sm.Valid(s, v); ok {
				return n
			}
			// A minimal value may match several branches of a oneOf:
			// the branch's optional members (a type enum...) tell them
			// apart.
			if n, ok := sm.Valid(s, sm.Enrich(alt.Value, v, depth+1)); ok {
				return n
			}
		}
		return sm.Build(alts[0].Value, depth+1)
	}
	switch typeOf(s) {
	case "string":
		return sm.buildString(s)
	case "integer":
		return buildNumber(s, true)
	case "number":
		return buildNumber(s, false)
	case "boolean":
		return true
	case "array":
		n := int(s.MinItems)
		items := make([]any, 0, n)
		for i := 0; i < n; i++ {
			var item any = "x"
			if s.Items != nil && s.Items.Value != nil {
				item = sm.Build(s.Items.Value, depth+1)
			}
			if i > 0 && s.UniqueItems {
				if str, ok := item.(string); ok {
					item = fmt.Sprintf("%s%d", str, i)
				} else if f, ok := item.(float64); ok {
					item = f + float64(i)
				} else if k, ok := item.(int); ok {
					item = k + i
				}
			}
			items = append(items, item)
		}
		return items
	case "object":
		return sm.buildObject(s, depth)
	case "null":
		return nil
	}
	return "x"
}

func (sm Sampler) buildAllOf(s *openapi3.Schema, depth int) any {
	merged := map[string]any{}
	var other any
	for _, part := range s.AllOf {
		if part.Value == nil {
			continue
		}
		switch v := sm.Build(part.Value, depth+1).(type) {
		case map[string]any:
			for k, x := range v {
				merged[k] = x
			}
		default:
			if other == nil {
				other = v
			}
		}
	}
	if len(s.Properties) > 0 || len(s.Required) > 0 {
		for k, x := range sm.buildObject(s, depth) {
			merged[k] = x
		}
	}
	if len(merged) == 0 && other != nil {
		return other
	}
	return merged
}

func (sm Sampler) buildObject(s *openapi3.Schema, depth int) map[string]any {
	obj := map[string]any{}
	req := append([]string(nil), s.Required...)
	sort.Strings(req)
	for _, name := range req {
		p := s.Properties[name]
		if p != nil && p.Value != nil && sm.leftOut(p.Value) {
			continue
		}
		if p == nil || p.Value == nil {
			obj[name] = "x"
			continue
		}
		obj[name] = sm.Build(p.Value, depth+1)
	}
	// minProperties: add optional properties (those whose value is valid
	// on its own first), then, for maps, made-up keys.
	for _, pass := range []bool{true, false} {
		for _, name := range sortedKeys(s.Properties) {
			if uint64(len(obj)) >= s.MinProps {
				break
			}
			p := s.Properties[name]
			if _, done := obj[name]; done || p == nil || p.Value == nil || sm.leftOut(p.Value) {
				continue
			}
			v := sm.Build(p.Value, depth+1)
			if _, ok := sm.Valid(p.Value, v); ok || !pass {
				obj[name] = v
			}
		}
	}
	if ap := s.AdditionalProperties.Schema; ap != nil && ap.Value != nil && len(s.Properties) == 0 {
		for i := 0; uint64(len(obj)) < s.MinProps; i++ {
			obj[fmt.Sprintf("key%d", i)] = sm.Build(ap.Value, depth+1)
		}
	}
	if s.Discriminator != nil && s.Discriminator.PropertyName != "" {
		if _, ok := obj[s.Discriminator.PropertyName]; !ok {
			for k := range s.Discriminator.Mapping {
				obj[s.Discriminator.PropertyName] = k
				break
			}
		}
	}
	return obj
}

// setDiscriminator sets the discriminator property of obj to the mapping
// key of the branch alt.
func setDiscriminator(d *openapi3.Discriminator, alt *openapi3.SchemaRef, obj map[string]any) {
	if d.PropertyName == "" {
		return
	}
	keys := make([]string, 0, len(d.Mapping))
	for k := range d.Mapping {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if d.Mapping[k].Ref == alt.Ref {
			obj[d.PropertyName] = k
			return
		}
	}
	if alt.Ref != "" {
		obj[d.PropertyName] = alt.Ref[strings.LastIndex(alt.Ref, "/")+1:]
	}
}

func typeOf(s *openapi3.Schema) string {
	if s.Type != nil {
		for _, t := range *s.Type {
			if t != "null" {
				return t
			}
		}
		if len(*s.Type) > 0 {
			return "null"
		}
	}
	switch {
	case len(s.Properties) > 0 || len(s.Required) > 0 || s.AdditionalProperties.Schema != nil:
		return "object"
	case s.Items != nil:
		return "array"
	case s.Format != "" || s.Pattern != "" || s.MinLength > 0:
		return "string"
	}
	return ""
}

func (sm Sampler) buildString(s *openapi3.Schema) string {
	base := "x"
	if f, ok := stringFormats[s.Format]; ok {
		base = f
	}
	fit := func(str string) string {
		for uint64(len(str)) < s.MinLength {
			str += "x"
		}
		if s.MaxLength != nil && uint64(len(str)) > *s.MaxLength {
			str = str[:*s.MaxLength]
		}
		return str
	}
	if s.Pattern == "" {
		return fit(base)
	}
	m, err := compileECMAScript(s.Pattern)
	if err != nil {
		return fit(base)
	}
	cands := []string{base}
	if lit, ok := literalPattern(s.Pattern); ok {
		cands = append(cands, lit)
	}
	for _, c := range append(cands, patternCandidates...) {
		c = fit(c)
		if m.MatchString(c) {
			return c
		}
	}
	if c, ok := fromPattern(s.Pattern, s.MinLength); ok && m.MatchString(c) {
		return c
	}
	return fit(base)
}

func buildNumber(s *openapi3.Schema, integer bool) any {
	v := 1.0
	if s.Min != nil {
		v = *s.Min
		if s.ExclusiveMin.IsTrue() {
			v++
		}
	} else if s.ExclusiveMin.Value != nil {
		v = *s.ExclusiveMin.Value + 1
	}
	if s.Max != nil && v > *s.Max {
		v = *s.Max
	}
	if s.MultipleOf != nil && *s.MultipleOf > 0 {
		v = math.Ceil(v / *s.MultipleOf) * *s.MultipleOf
	}
	if integer {
		return int64(math.Ceil(v))
	}
	return v
}

// literalPattern returns the text a pattern such as "^simplified/1\\.0$"
// spells out, when it has no other regular-expression syntax.
func literalPattern(p string) (string, bool) {
	p = strings.TrimSuffix(strings.TrimPrefix(p, "^"), "$")
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p) && strings.IndexByte(`./-_:`, p[i+1]) >= 0:
			i++
			b.WriteByte(p[i])
		case strings.IndexByte(`\\[](){}*+?|^$`, c) >= 0:
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), b.Len() > 0
}

// leftOut tells whether a member of schema p is left out of the values
// built: readOnly ones in requests, writeOnly ones in responses.
func (sm Sampler) leftOut(p *openapi3.Schema) bool {
	if sm.Response {
		return p.WriteOnly
	}
	return p.ReadOnly
}
