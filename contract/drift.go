package contract

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// DriftKind says what a [Finding] is about.
type DriftKind string

// The kinds of drift an observing transport records.
const (
	// UndeclaredStatus: the operation declares no response for the status
	// (exact or range such as 2XX; a default response covers only
	// statuses >= 400 here, because it usually describes errors).
	UndeclaredStatus DriftKind = "undeclared-status"
	// UndeclaredBody: the response declares no content but a JSON body
	// came with it.
	UndeclaredBody DriftKind = "undeclared-body"
	// UnknownMember: an object has a member its schema does not declare
	// (in properties, additionalProperties or patternProperties).
	UnknownMember DriftKind = "unknown-member"
	// EnumValue: a value is not in the schema's enum.
	EnumValue DriftKind = "enum-value"
	// TypeMismatch: a value's JSON type is not one the schema allows.
	TypeMismatch DriftKind = "type-mismatch"
	// MissingMember: a required member is absent.
	MissingMember DriftKind = "missing-required"
)

// Finding is one way in which observed traffic differs from the document,
// aggregated over every exchange that showed it.
type Finding struct {
	Kind DriftKind
	// Operation is the operationId (or "METHOD /template"); Method and
	// Path are the operation's method and path template in the document.
	Operation, Method, Path string
	// Where is InRequest or InResponse; Status the response status (0 for
	// requests); MediaType the body's media type.
	Where     Where
	Status    int
	MediaType string
	// Schema is the JSON pointer (RFC 6901) into the document of the node
	// a fix belongs to: the schema (UnknownMember, EnumValue,
	// TypeMismatch), the schema that lists the member as required
	// (MissingMember), the response object (UndeclaredBody) or the
	// operation's responses object (UndeclaredStatus).
	Schema string
	// Instance is the JSON pointer into the body of the first exchange
	// that showed the finding ("" for the whole body), cut to 1 KiB.
	Instance string
	// Member is the member name (UnknownMember, MissingMember), cut to
	// 256 bytes (a cut name ends in "…").
	Member string
	// Declared are the schema's types (TypeMismatch).
	Declared []string
	// Value is the value outside the enum (EnumValue), as decoded from
	// JSON (numbers as json.Number; strings cut to 1 KiB, objects and
	// arrays replaced by "(object)" or "(array)").
	Value any
	// Observed is a JSON Schema inferred from every value seen (the
	// member's for UnknownMember and TypeMismatch, the bodies' for
	// UndeclaredStatus and UndeclaredBody), in the document's dialect
	// (nullable for OpenAPI 3.0, type lists for 3.1). It holds types,
	// properties, items and formats, never values. Nil when no JSON
	// value was seen.
	Observed map[string]any
	// Fits is, for UndeclaredStatus and UndeclaredBody, the JSON pointer
	// of the schema of a response the operation declares that every body
	// seen fits without drift (for example the 200 response's, when a 201
	// was seen), so that a fix can reuse that schema; else "".
	Fits string
	// Count is how many times it was seen.
	Count int
}

// The bounds of a [Drift]: what it keeps cannot grow with the traffic,
// whatever a server or a client sends. Each is documented on [Drift].
const (
	maxFindings        = 10000   // distinct findings
	maxEnumFindings    = 256     // enum-value findings per schema
	maxMemberFindings  = 256     // unknown-member findings per schema
	maxStatusFindings  = 32      // undeclared-status findings per operation
	maxOperations      = 10000   // operations counted in Exchanges
	maxNoOperation     = 1000    // distinct calls to no operation
	maxDriftShapeNodes = 1 << 18 // inferred schema nodes over all findings
	maxNameLen         = 256     // bytes of a member name
	maxPointerLen      = 1024    // bytes of an Instance pointer or a call's path
	maxMediaTypeLen    = 128     // bytes of a media type
	maxMethodLen       = 32      // bytes of a method of a call to no operation
	truncatedMark      = "…"     // ends every cut string
)

// Drift collects what observed traffic shows that the document does not
// declare, per operation. Pass it to [Observe]. The zero value is ready to
// use; it is safe for concurrent use and meant for one document.
//
// What it keeps is bounded, so that it can observe a long or hostile
// stream of traffic: at most 10000 distinct findings, of which at most 256
// enum-value and 256 unknown-member findings per schema and 32
// undeclared-status findings per operation; exchanges counted for at most
// 10000 operations; at most 1000 distinct calls to no operation. Strings
// taken from the traffic are cut (ending in "…"): member names to 256
// bytes, enum values to 1 KiB, instance pointers and paths to 1 KiB, media
// types to 128 bytes, methods to 32 bytes. An inferred schema
// ([Finding.Observed]) holds no values, at most 32 levels, 256 members per
// object and 4096 nodes, and all of a Drift's inferred schemas together at
// most 262144 nodes. What a bound keeps out is counted in [Drift.Dropped].
type Drift struct {
	mu         sync.Mutex
	oas31      bool
	entries    map[findingKey]*entry
	exchanges  map[string]int
	noOp       map[string]int
	perSchema  map[perKey]int // enum-value and unknown-member findings per schema, undeclared statuses per operation
	shapeNodes int            // nodes of every inferred schema
	dropped    int
}

// perKey counts findings of one kind per schema (or per operation).
type perKey struct {
	kind  DriftKind
	where string
}

type findingKey struct {
	kind                    DriftKind
	op, method, path        string
	where                   Where
	status                  int
	mediaType, schema, memb string
	value                   string
}

type entry struct {
	f     Finding
	shape *shape
	nodes int // nodes shape may still add
	like  string
}

// Observe makes the transport observe traffic without ever failing it, and
// record in d, per operation, the statuses, members, enum values and types
// the document does not declare (see [DriftKind]). Requests are sent and
// responses returned whatever they hold, like [ReportOnly] (which may be
// given too, to receive the validator's violations). JSON bodies the
// document does not describe (undeclared statuses or content) are read, up
// to [WithMaxBodySize], to infer their schema. What d keeps is bounded
// whatever the traffic (see [Drift]). Calls that match no operation are
// counted in d too ([Drift.NoOperation]).
func Observe(d *Drift) Option {
	return func(c *config) { c.drift = d }
}

// Exchanges returns how many responses were observed per operation
// (operationId or "METHOD /template"), drift or not.
func (d *Drift) Exchanges() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]int, len(d.exchanges))
	for k, v := range d.exchanges {
		out[k] = v
	}
	return out
}

// Dropped is how many observations were not kept because a bound was
// reached (see [Drift]): findings, calls to no operation, operations, and
// members or items of inferred schemas.
func (d *Drift) Dropped() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dropped
}

// NoOperation returns how many calls matched no operation of the document,
// by "METHOD path" (the request's path, cut to 1 KiB).
func (d *Drift) NoOperation() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return maps.Clone(d.noOp)
}

// noOperation counts one call that matched no operation.
func (d *Drift) noOperation(method, path string) {
	k := cut(method, maxMethodLen) + " " + cut(path, maxPointerLen)
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.noOp[k]; !ok {
		if len(d.noOp) >= maxNoOperation {
			d.dropped++
			return
		}
		if d.noOp == nil {
			d.noOp = map[string]int{}
		}
	}
	d.noOp[k]++
}

// Findings returns the findings recorded so far, sorted by operation,
// request before response, status, kind, schema and member.
func (d *Drift) Findings() []Finding {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Finding, 0, len(d.entries))
	for _, e := range d.entries {
		f := e.f
		f.Declared = slices.Clone(f.Declared)
		if e.shape != nil {
			f.Observed = e.shape.schema(d.oas31)
		}
		f.Fits = e.like
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Operation, b.Operation),
			cmp.Compare(a.Where, b.Where),
			cmp.Compare(a.Status, b.Status),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Schema, b.Schema),
			cmp.Compare(a.Member, b.Member),
			cmp.Compare(jsonText(a.Value), jsonText(b.Value)),
		)
	})
	return out
}

// site is where in the traffic a body was observed.
type site struct {
	Operation, Method, Path string
	Where                   Where
	Status                  int
	MediaType               string
}

func (d *Drift) bind(oas31 bool) {
	d.mu.Lock()
	d.oas31 = oas31
	d.mu.Unlock()
}

// count counts one observed response of st's operation.
func (d *Drift) count(st site) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.exchanges[st.Operation]; !ok {
		if len(d.exchanges) >= maxOperations {
			d.dropped++
			return
		}
		if d.exchanges == nil {
			d.exchanges = map[string]int{}
		}
	}
	d.exchanges[st.Operation]++
}

// observeBody walks a JSON body against its declared schema at loc.
func (d *Drift) observeBody(st site, body []byte, schema *openapi3.SchemaRef, loc string) {
	v, ok := decodeJSON(body)
	if !ok {
		return // not JSON: the validator reports it
	}
	w := &walker{where: st.Where}
	w.walk(v, schema, loc, "", 0)
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range w.found {
		d.add(st, r)
	}
}

// observeStatus records an undeclared status; body is its JSON body, if
// any, and op the operation (to find a declared schema the body fits).
func (d *Drift) observeStatus(st site, body []byte, responses string, op *openapi3.Operation, opLoc string) {
	d.observeWhole(st, UndeclaredStatus, body, responses, op, opLoc)
}

// observeContent records a JSON body where the response declares none.
func (d *Drift) observeContent(st site, body []byte, response string, op *openapi3.Operation, opLoc string) {
	d.observeWhole(st, UndeclaredBody, body, response, op, opLoc)
}

func (d *Drift) observeWhole(st site, kind DriftKind, body []byte, loc string, op *openapi3.Operation, opLoc string) {
	r := raw{kind: kind, schema: loc}
	if body != nil {
		if v, ok := decodeJSON(body); ok {
			r.sample, r.hasSample = v, true
			r.like = fitsDeclared(v, st, op, opLoc)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.add(st, r)
}

// fitsDeclared returns the JSON pointer of the schema of a response op
// declares (success responses first) that v fits without any drift, or "".
func fitsDeclared(v any, st site, op *openapi3.Operation, opLoc string) string {
	if op == nil || op.Responses == nil {
		return ""
	}
	keys := slices.Collect(maps.Keys(op.Responses.Map()))
	slices.SortFunc(keys, func(a, b string) int {
		rank := func(k string) int {
			if strings.HasPrefix(k, "2") {
				return 0
			}
			return 1
		}
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a, b))
	})
	for _, k := range keys {
		ref := op.Responses.Value(k)
		if ref == nil || ref.Value == nil {
			continue
		}
		mtKey, mt := contentKey(ref.Value.Content, st.MediaType)
		if mt == nil || mt.Schema == nil {
			continue
		}
		loc := opLoc + "/responses/" + escapePointer(k)
		if strings.HasPrefix(ref.Ref, "#/") {
			loc = ref.Ref[1:]
		}
		loc += "/content/" + escapePointer(mtKey) + "/schema"
		w := &walker{where: InResponse}
		w.walk(v, mt.Schema, loc, "", 0)
		if len(w.found) == 0 {
			return loc
		}
	}
	return ""
}

// add merges r into d; d.mu is held.
func (d *Drift) add(st site, r raw) {
	st.MediaType = cut(st.MediaType, maxMediaTypeLen)
	r.member = cut(r.member, maxNameLen)
	k := findingKey{
		kind: r.kind, op: st.Operation, method: st.Method, path: st.Path,
		where: st.Where, status: st.Status, mediaType: st.MediaType,
		schema: r.schema, memb: r.member,
	}
	if r.kind == EnumValue {
		k.value = jsonText(r.value)
	}
	e := d.entries[k]
	if e == nil {
		if len(d.entries) >= maxFindings {
			d.dropped++
			return
		}
		var pk perKey
		limit := 0
		switch r.kind {
		case EnumValue:
			pk, limit = perKey{r.kind, r.schema}, maxEnumFindings
		case UnknownMember:
			pk, limit = perKey{r.kind, r.schema}, maxMemberFindings
		case UndeclaredStatus:
			pk, limit = perKey{r.kind, st.Operation}, maxStatusFindings
		}
		if limit > 0 {
			if d.perSchema[pk] >= limit {
				d.dropped++
				return
			}
			if d.perSchema == nil {
				d.perSchema = map[perKey]int{}
			}
			d.perSchema[pk]++
		}
		if d.entries == nil {
			d.entries = map[findingKey]*entry{}
		}
		e = &entry{like: r.like, f: Finding{
			Kind: r.kind, Operation: st.Operation, Method: st.Method, Path: st.Path,
			Where: st.Where, Status: st.Status, MediaType: st.MediaType,
			Schema: r.schema, Instance: cut(r.instance, maxPointerLen), Member: r.member,
			Declared: r.declared, Value: r.value,
		}}
		d.entries[k] = e
	}
	e.f.Count++
	if e.like != r.like {
		e.like = "" // occurrences disagree: no declared schema fits them all
	}
	if r.hasSample && r.kind != EnumValue && r.kind != MissingMember {
		if e.shape == nil {
			e.shape = &shape{}
			e.nodes = maxShapeNodes
		}
		g := growth{left: &e.nodes, total: &d.shapeNodes}
		e.shape.add(r.sample, 0, &g)
		d.dropped += g.cut
	}
}

// cut shortens s to at most n bytes, on a rune boundary, ending in "…".
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	end := n - len(truncatedMark)
	for end > 0 && s[end]&0xC0 == 0x80 {
		end--
	}
	return s[:end] + truncatedMark
}

// decodeJSON decodes one JSON value, numbers as json.Number.
func decodeJSON(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return v, true
}

func jsonText(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// escapePointer escapes one JSON pointer token (RFC 6901).
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// operationPointer is the JSON pointer of m's operation in the document.
func operationPointer(m *routeMatch) string {
	return "/paths/" + escapePointer(m.route.Path) + "/" + strings.ToLower(m.route.Method)
}
