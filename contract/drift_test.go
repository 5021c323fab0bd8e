package contract

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// driftSpec has nesting through $ref, allOf and oneOf, an enum, an integer,
// additionalProperties and a response with no content.
const driftSpec = `
openapi: 3.0.3
info: {title: drift, version: "1"}
components:
  schemas:
    Flags:
      type: object
      properties:
        beta: {type: boolean}
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string}
    Widget:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            kind: {type: string, enum: [small, large]}
            size: {type: integer, format: int32}
            flags: {$ref: '#/components/schemas/Flags'}
            labels: {type: object, additionalProperties: {type: string}}
            shape:
              oneOf:
                - {type: object, required: [radius], properties: {radius: {type: number}}}
                - {type: object, required: [side], properties: {side: {type: number}}}
paths:
  /widgets:
    get:
      operationId: listWidgets
      responses:
        "200":
          description: widgets
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Widget'}}
    post:
      operationId: createWidget
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Widget'}
      responses:
        "200":
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Widget'}
  /widgets/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    delete:
      operationId: deleteWidget
      responses:
        "202": {description: accepted}
        default:
          description: error
          content:
            application/json:
              schema: {type: object, properties: {message: {type: string}}}
`

func TestObserve(t *testing.T) {
	s, err := Load(context.Background(), []byte(driftSpec))
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		kind       DriftKind
		op, schema string
		member     string
		instance   string
	}
	tests := []struct {
		name     string
		method   string
		path     string
		reqBody  string
		status   int
		respBody string
		want     []key
		// observed, when set, is the wanted Observed schema of the
		// first finding, as JSON (keys sorted).
		observed string
		fits     string
	}{
		{name: "no drift", method: "GET", path: "/widgets", status: 200,
			respBody: `[{"id":"a","kind":"small","size":3,"flags":{"beta":true},"labels":{"x":"y"},"shape":{"radius":1.5}}]`},
		{name: "member at depth 2", method: "GET", path: "/widgets", status: 200,
			respBody: `[{"id":"a","flags":{"beta":true,"universal_login":{"on":true}}}]`,
			want:     []key{{UnknownMember, "listWidgets", "/components/schemas/Flags", "universal_login", "/0/flags/universal_login"}},
			observed: `{"properties":{"on":{"type":"boolean"}},"type":"object"}`},
		{name: "member in a oneOf branch", method: "GET", path: "/widgets", status: 200,
			respBody: `[{"id":"a","shape":{"side":2,"unit":"cm"}}]`,
			want:     []key{{UnknownMember, "listWidgets", "/components/schemas/Widget/allOf/1/properties/shape/oneOf/1", "unit", "/0/shape/unit"}}},
		{name: "member at the top of an allOf", method: "POST", path: "/widgets", reqBody: `{"id":"a"}`, status: 200,
			respBody: `{"id":"a","created_at":"2026-01-02T03:04:05Z"}`,
			want:     []key{{UnknownMember, "createWidget", "/components/schemas/Base", "created_at", "/created_at"}},
			observed: `{"format":"date-time","type":"string"}`},
		{name: "enum value", method: "GET", path: "/widgets", status: 200,
			respBody: `[{"id":"a","kind":"medium"}]`,
			want:     []key{{EnumValue, "listWidgets", "/components/schemas/Widget/allOf/1/properties/kind", "", "/0/kind"}}},
		{name: "string where integer", method: "GET", path: "/widgets", status: 200,
			respBody: `[{"id":"a","size":"3"}]`,
			want:     []key{{TypeMismatch, "listWidgets", "/components/schemas/Widget/allOf/1/properties/size", "", "/0/size"}},
			observed: `{"type":"string"}`},
		{name: "missing required", method: "GET", path: "/widgets", status: 200,
			respBody: `[{"kind":"small"}]`,
			want:     []key{{MissingMember, "listWidgets", "/components/schemas/Base", "id", "/0"}}},
		{name: "undeclared status", method: "POST", path: "/widgets", reqBody: `{"id":"a"}`, status: 201,
			respBody: `{"id":"a","n":1}`,
			want:     []key{{UndeclaredStatus, "createWidget", "/paths/~1widgets/post/responses", "", ""}},
			observed: `{"properties":{"id":{"type":"string"},"n":{"type":"integer"}},"type":"object"}`},
		{name: "undeclared status that fits a declared one", method: "POST", path: "/widgets", reqBody: `{"id":"a"}`, status: 201,
			respBody: `{"id":"a","kind":"large"}`,
			want:     []key{{UndeclaredStatus, "createWidget", "/paths/~1widgets/post/responses", "", ""}},
			fits:     "/paths/~1widgets/post/responses/200/content/application~1json/schema"},
		{name: "undeclared body", method: "DELETE", path: "/widgets/w1", status: 202,
			respBody: `{"deleted_at":"2026-01-02T03:04:05Z"}`,
			want:     []key{{UndeclaredBody, "deleteWidget", "/paths/~1widgets~1{id}/delete/responses/202", "", ""}}},
		{name: "error covered by default", method: "DELETE", path: "/widgets/w1", status: 404,
			respBody: `{"message":"no"}`},
		{name: "request member", method: "POST", path: "/widgets", reqBody: `{"id":"a","colour":"red"}`, status: 200,
			respBody: `{"id":"a"}`,
			want:     []key{{UnknownMember, "createWidget", "/components/schemas/Base", "colour", "/colour"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if r.Body != nil {
					io.Copy(io.Discard, r.Body)
					r.Body.Close()
				}
				return &http.Response{StatusCode: tc.status, Request: r,
					Header: http.Header{"Content-Type": {"application/json"}},
					Body:   io.NopCloser(strings.NewReader(tc.respBody))}, nil
			})
			var d Drift
			var body io.Reader
			if tc.reqBody != "" {
				body = strings.NewReader(tc.reqBody)
			}
			req, _ := http.NewRequest(tc.method, "http://api.test"+tc.path, body)
			req.Header.Set("Content-Type", "application/json")
			resp, err := s.Transport(rt, Observe(&d)).RoundTrip(req)
			if err != nil {
				t.Fatalf("observing must not fail an exchange: %v", err)
			}
			got, _ := io.ReadAll(resp.Body)
			if string(got) != tc.respBody {
				t.Errorf("caller got %q, want %q", got, tc.respBody)
			}
			var keys []key
			fs := d.Findings()
			for _, f := range fs {
				keys = append(keys, key{f.Kind, f.Operation, f.Schema, f.Member, f.Instance})
			}
			if !slices.Equal(keys, tc.want) {
				t.Errorf("findings\n got %+v\nwant %+v", keys, tc.want)
			}
			if tc.observed != "" && len(fs) > 0 {
				b, _ := json.Marshal(fs[0].Observed)
				if string(b) != tc.observed {
					t.Errorf("observed %s, want %s", b, tc.observed)
				}
			}
			if len(fs) > 0 && fs[0].Fits != tc.fits {
				t.Errorf("fits %q, want %q", fs[0].Fits, tc.fits)
			}
			if len(fs) > 0 {
				if n := d.Exchanges()[fs[0].Operation]; n != 1 {
					t.Errorf("exchanges = %d, want 1", n)
				}
			}
		})
	}
}

// TestObserveAggregates checks that one finding seen many times is one
// entry with a count and a schema inferred from every value.
func TestObserveAggregates(t *testing.T) {
	s, err := Load(context.Background(), []byte(driftSpec))
	if err != nil {
		t.Fatal(err)
	}
	bodies := []string{
		`[{"id":"a","flags":{"x":1}},{"id":"b","flags":{"x":null}}]`,
		`[{"id":"c","flags":{"x":2.5}}]`,
	}
	var d Drift
	for _, b := range bodies {
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Request: r,
				Header: http.Header{"Content-Type": {"application/json"}},
				Body:   io.NopCloser(strings.NewReader(b))}, nil
		})
		req, _ := http.NewRequest("GET", "http://api.test/widgets", nil)
		resp, err := s.Transport(rt, Observe(&d)).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	fs := d.Findings()
	if len(fs) != 1 || fs[0].Count != 3 || fs[0].Instance != "/0/flags/x" {
		t.Fatalf("findings %+v", fs)
	}
	b, _ := json.Marshal(fs[0].Observed)
	if string(b) != `{"nullable":true,"type":"number"}` {
		t.Errorf("observed %s", b)
	}
	if n := d.Exchanges()["listWidgets"]; n != 2 {
		t.Errorf("exchanges %d, want 2", n)
	}
}
