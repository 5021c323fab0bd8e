package contracttest

import (
	"encoding/json"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mgmtapi/mgmtapi/internal/testkit/synth"
)

// JSONBody is a schema-valid JSON request body of one operation, for tests
// that send it through a generated client without Prism (internal/tests/wiretest).
type JSONBody struct {
	Operation
	// ContentType is the JSON media type the body is declared with.
	ContentType string
	// JSON is the body: the spec's first valid example, or a value
	// synthesized from the schema and checked against it (the body the
	// contract suites send), with every optional member and array item added
	// that keeps it valid. Empty when Skip is set.
	JSON []byte
	// Skip says why no valid body could be derived ("" when JSON is set).
	Skip string
}

// JSONBodies loads the fixed spec of api (see [SpecPath]) and returns, for
// every operation with a JSON request body, the body [Env.EveryOperation]
// would send, in the order of [Env.Operations]. It starts no server.
func JSONBodies(api string) ([]JSONBody, error) {
	path, err := SpecPath(api)
	if err != nil {
		return nil, err
	}
	doc, err := loadDoc(path)
	if err != nil {
		return nil, err
	}
	e := &Env{API: api, Doc: doc, oas31: strings.HasPrefix(doc.OpenAPI, "3.1")}
	var out []JSONBody
	for _, o := range e.Operations() {
		if o.op.RequestBody == nil || o.op.RequestBody.Value == nil {
			continue
		}
		json := false
		for mt := range o.op.RequestBody.Value.Content {
			json = json || synth.IsJSONMediaType(mt)
		}
		if !json {
			continue
		}
		var pl synth.Request
		e.sampler().PlanBody(&pl, o.op.RequestBody.Value)
		b := JSONBody{Operation: o, ContentType: pl.ContentType, JSON: pl.Body, Skip: pl.Skip}
		if b.Skip == "" && pl.NoBody != "" {
			b.Skip = pl.NoBody
		}
		if b.Skip == "" {
			b.JSON, err = e.enrichBody(o.op.RequestBody.Value.Content[b.ContentType], b.JSON)
			if err != nil {
				return nil, err
			}
		}
		out = append(out, b)
	}
	return out, nil
}

// enrichBody adds optional members to body, a valid value of media's schema.
func (e *Env) enrichBody(media *openapi3.MediaType, body []byte) ([]byte, error) {
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return body, nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	return json.Marshal(e.sampler().Enrich(media.Schema.Value, v, 0))
}
