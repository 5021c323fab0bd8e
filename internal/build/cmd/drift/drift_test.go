package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

var update = flag.Bool("update", false, "rewrite testdata/applications.har from a fresh Prism recording")

const (
	api       = "applications"
	committed = "testdata/applications.har"
)

// TestPrismTraffic records traffic from Prism serving the fixed spec (through
// the contract harness, authenticated by a real token server), adds
// deliberately drifted copies of some exchanges, and checks the report, the
// draft overlay and the round trip. With -update it rewrites the committed
// recording.
func TestPrismTraffic(t *testing.T) {
	env, err := contracttest.Start(api)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	rec := &recorder{Base: env.Client(t).Transport, Origin: "http://localhost:4010"}
	hc := &http.Client{Transport: rec}
	ctx := context.Background()
	tok, err := env.Source.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/applications?limit=2&offset=0", ""},
		{"GET", "/applications/85e3f4b8-0d22-4181-b1e3-1651f71b88bd", ""},
		{"GET", "/applications/meta/inbound-protocols", ""},
		{"PATCH", "/applications/85e3f4b8-0d22-4181-b1e3-1651f71b88bd", `{"name":"pickup","description":"drift test"}`},
	} {
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		req, _ := http.NewRequestWithContext(ctx, c.method, env.Prism.URL+c.path, body)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		req.Header.Set("Accept", "application/json")
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("%s %s: Prism answered %d", c.method, c.path, resp.StatusCode)
		}
	}
	raw, err := rec.HAR()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(tok.AccessToken)) {
		t.Fatal("the recording holds the bearer token")
	}
	h, err := parseHAR(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	spec := fixedSpec(t)

	// Prism's own answers: the document describes them.
	res, err := replay(ctx, spec, h)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		for _, f := range res.Findings {
			t.Errorf("drift in Prism's own traffic: %s", findingLine(f))
		}
	}
	if got := len(res.Exchanges); got != 4 {
		t.Errorf("exchanges over %d operations, want 4: %v", got, res.Exchanges)
	}

	addDrift(t, h)
	raw, err = json.MarshalIndent(h, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(committed, append(raw, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "traffic.har")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	checkDrift(t, spec, path)
}

// TestCommittedHAR runs the committed recording (made by TestPrismTraffic
// -update) through the command, offline.
func TestCommittedHAR(t *testing.T) {
	checkDrift(t, fixedSpec(t), committed)
}

func fixedSpec(t *testing.T) []byte {
	t.Helper()
	p, err := contracttest.SpecPath(api)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// addDrift appends drifted copies of recorded exchanges: a member the
// schema lacks at depth 2, an enum value outside the enum, a string where
// an integer is declared, and an undeclared 201.
func addDrift(t *testing.T, h *har) {
	t.Helper()
	find := func(method, prefix string) harEntry {
		for _, e := range h.Log.Entries {
			if e.Request.Method == method && strings.HasPrefix(e.Request.URL, "http://localhost:4010"+prefix) {
				return e
			}
		}
		t.Fatalf("no recorded %s %s", method, prefix)
		return harEntry{}
	}
	edit := func(e harEntry, f func(body map[string]any)) harEntry {
		var body map[string]any
		if err := json.Unmarshal([]byte(e.Response.Content.Text), &body); err != nil {
			t.Fatalf("recorded body of %s: %v", e.Request.URL, err)
		}
		f(body)
		b, _ := json.Marshal(body)
		e.Response.Content.Text = string(b)
		e.Response.Content.Size = len(b)
		e.Response.BodySize = len(b)
		return e
	}
	list := find("GET", "/applications?")
	firstApp := func(body map[string]any) map[string]any {
		apps, _ := body["applications"].([]any)
		if len(apps) == 0 {
			t.Fatal("Prism's application list is empty")
		}
		app, _ := apps[0].(map[string]any)
		return app
	}
	extra := edit(list, func(b map[string]any) { firstApp(b)["lastModifiedTime"] = "2026-11-30T08:00:00Z" })
	enum := edit(list, func(b map[string]any) { firstApp(b)["access"] = "EXECUTE" })
	typ := edit(list, func(b map[string]any) { b["totalResults"] = "2" })
	created := find("GET", "/applications/85e3")
	created.Response.Status, created.Response.StatusText = 201, "Created"
	h.Log.Entries = append(h.Log.Entries, extra, enum, typ, created)
}

// checkDrift runs the command on the HAR at path and checks that each
// deliberate drift is in the report and in the draft overlay, that the draft
// applies to the spec like the pipeline applies overlays, and that the same
// traffic then shows no drift.
func checkDrift(t *testing.T, spec []byte, path string) {
	t.Helper()
	dir := t.TempDir()
	specPath := filepath.Join(dir, "spec.json")
	if err := os.WriteFile(specPath, spec, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "draft.overlay.yaml")
	var report bytes.Buffer
	if err := run(context.Background(), &report, api, specPath, path, out); err != nil {
		t.Fatal(err)
	}
	overlay, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name    string
		report  string
		overlay []string // lines of the overlay, in order
	}{
		{"member at depth 2",
			`unknown-member: member "lastModifiedTime" at /applications/0/lastModifiedTime is not in /components/schemas/ApplicationListItem`,
			[]string{`# drift: member "lastModifiedTime" is not in the schema; seen in GET /applications (getAllApplications) response 200 at /applications/0/lastModifiedTime, once`,
				`target: $.components.schemas.ApplicationListItem.properties`, `lastModifiedTime:`, `format: date-time`}},
		{"enum value",
			`enum-value: "EXECUTE" at /applications/0/access is not in the enum of /components/schemas/ApplicationListItem/properties/access`,
			[]string{`# drift: enum lacks "EXECUTE"`, `target: $.components.schemas.ApplicationListItem.properties.access.enum`, `- EXECUTE`}},
		{"string where integer",
			`type-mismatch: string at /totalResults where /components/schemas/ApplicationListResponse/properties/totalResults declares integer`,
			[]string{`# drift: string where the schema declares integer`, `target: $.components.schemas.ApplicationListResponse.properties.totalResults.type`, `remove: true`,
				`target: $.components.schemas.ApplicationListResponse.properties.totalResults`, `anyOf:`, `- type: integer`, `- type: string`}},
		{"undeclared 201",
			`response 201 undeclared-status: status 201 is not declared (application/json body fits /paths/~1applications~1{applicationId}/get/responses/200/content/application~1json/schema)`,
			[]string{`# drift: status 201 is not declared (the body fits the schema at /paths/~1applications~1{applicationId}/get/responses/200/content/application~1json/schema); seen in GET /applications/{applicationId} (getApplication) response 201`,
				`target: $.paths['/applications/{applicationId}'].get.responses`, `"201":`, `application/json:`,
				`$ref: '#/components/schemas/ApplicationResponseModel'`}},
	}
	for _, c := range checks {
		if !strings.Contains(report.String(), c.report) {
			t.Errorf("%s: the report lacks %q", c.name, c.report)
		}
		rest := string(overlay)
		for _, line := range c.overlay {
			i := strings.Index(rest, line)
			if i < 0 {
				t.Errorf("%s: the overlay lacks %q (in order)", c.name, line)
				break
			}
			rest = rest[i+len(line):]
		}
	}
	if !strings.Contains(report.String(), "applied to the spec, it leaves no drift in this traffic") {
		t.Errorf("the draft overlay does not remove the drift")
	}

	// The round trip, by hand: the draft applies strictly and the traffic
	// then shows no drift.
	fixed, err := applyOverlay(api, spec, overlay)
	if err != nil {
		t.Fatalf("the draft overlay does not apply: %v", err)
	}
	h, err := readHAR(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := replay(context.Background(), fixed, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		t.Errorf("drift left after the overlay: %s", findingLine(f))
	}
	if t.Failed() {
		t.Logf("report:\n%s\noverlay:\n%s", report.String(), overlay)
	}
}

// TestOverlayPaths pins the JSON pointer to JSONPath translation.
func TestOverlayPaths(t *testing.T) {
	doc := map[string]any{
		"paths": map[string]any{"/a/{id}": map[string]any{"get": map[string]any{"responses": map[string]any{"200": map[string]any{}}}}},
		"components": map[string]any{"schemas": map[string]any{
			"X-Y": map[string]any{"allOf": []any{map[string]any{}, map[string]any{"properties": map[string]any{"it's": map[string]any{}}}}},
		}},
	}
	tests := []struct{ ptr, want string }{
		{"/paths/~1a~1{id}/get/responses/200", `$.paths['/a/{id}'].get.responses['200']`},
		{"/components/schemas/X-Y/allOf/1/properties/it's", `$.components.schemas['X-Y'].allOf[1].properties['it\'s']`},
	}
	for _, tc := range tests {
		got, err := jsonPath(doc, tc.ptr)
		if err != nil || got != tc.want {
			t.Errorf("jsonPath(%s) = %s, %v; want %s", tc.ptr, got, err, tc.want)
		}
	}
	if _, err := jsonPath(doc, "/components/schemas/Nope"); err == nil {
		t.Error("a pointer to nothing must fail")
	}
}

// TestParseHARErrors checks that bad input gives a clear error.
func TestParseHARErrors(t *testing.T) {
	for _, in := range []string{``, `{}`, `{"log":{"entries":[]}}`, `[1,2]`} {
		if _, err := parseHAR(strings.NewReader(in)); err == nil {
			t.Errorf("parseHAR(%q): no error", in)
		}
	}
	e := harEntry{Request: harRequest{Method: "GET", URL: "/relative"}}
	if _, err := e.request(); err == nil {
		t.Error("a relative URL must fail")
	}
	e = harEntry{Response: harResponse{Status: 200, Content: harContent{Text: "!!", Encoding: "base64"}}}
	if _, err := e.response(nil); err == nil {
		t.Error("bad base64 must fail")
	}
}

// unitSpec has every construct the draft overlay must handle: $ref, allOf,
// oneOf, additionalProperties, an enum, an integer with a format, a required
// list of one, a response without content.
const unitSpec = `
openapi: OPENAPI
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
          required: [kind, size]
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
`

func entry(method, path, reqBody string, status int, respBody string) harEntry {
	e := harEntry{
		Request:  harRequest{Method: method, URL: "https://api.example.com" + path},
		Response: harResponse{Status: status, Content: harContent{MimeType: "application/json", Text: respBody}},
	}
	if reqBody != "" {
		e.Request.PostData = &harPostData{MimeType: "application/json", Text: reqBody}
	}
	return e
}

// TestDraftRoundTrip checks, in both OpenAPI dialects, that every kind of
// drift gets an action, that the draft applies strictly, and that the same
// traffic then shows no drift.
func TestDraftRoundTrip(t *testing.T) {
	const ok = `{"id":"a","kind":"small","size":3,"flags":{"beta":true},"labels":{"x":"y"},"shape":{"radius":1.5}}`
	h := &har{Log: harLog{Entries: []harEntry{
		entry("GET", "/widgets", "", 200, `[`+ok+`]`),
		entry("GET", "/widgets", "", 200, `[{"id":"a","kind":"small","size":3,"flags":{"beta":true,"universal_login":{"on":true}}}]`),
		entry("GET", "/widgets", "", 200, `[{"id":"a","kind":"medium","size":3}]`),
		entry("GET", "/widgets", "", 200, `[{"id":"a","kind":"small","size":"3"}]`),
		entry("GET", "/widgets", "", 200, `[{"id":"a","kind":"small","size":3,"shape":{"radius":null}}]`),
		entry("GET", "/widgets", "", 200, `[{"id":"a","kind":"small","size":3,"shape":{"side":2,"unit":"cm"}}]`),
		entry("GET", "/widgets", "", 200, `[{"kind":"small","size":3}]`),
		entry("GET", "/widgets", "", 200, `[{"id":"a","size":3}]`),
		entry("POST", "/widgets", ok, 201, ok),
		entry("DELETE", "/widgets/w1", "", 202, `{"deleted_at":"2026-01-02T03:04:05Z"}`),
	}}}
	// Actions come in the order of the findings: by operation, then kind.
	want := map[string][]string{
		"3.0.3": {
			`the body fits the schema at /paths/~1widgets/post/responses/200/content/application~1json/schema`,
			`target: $.paths['/widgets'].post.responses`, `"201":`, `$ref: '#/components/schemas/Widget'`,
			`target: $.paths['/widgets/{id}'].delete.responses['202']`, `deleted_at:`,
			`target: $.components.schemas.Widget.allOf[1].properties.kind.enum`, `- medium`,
			`target: $.components.schemas.Base.required`, `remove: true`,
			`target: $.components.schemas.Widget.allOf[1].required[?@ == 'kind']`, `remove: true`,
			`target: $.components.schemas.Widget.allOf[1].properties.shape.oneOf[0].properties.radius`, `nullable: true`,
			`target: $.components.schemas.Widget.allOf[1].properties.size.type`, `remove: true`,
			`target: $.components.schemas.Widget.allOf[1].properties.size.format`, `remove: true`,
			`target: $.components.schemas.Widget.allOf[1].properties.size`, `- format: int32`, `type: integer`, `- type: string`,
			`target: $.components.schemas.Flags.properties`, `universal_login:`,
			`target: $.components.schemas.Widget.allOf[1].properties.shape.oneOf[1].properties`, `unit:`,
		},
		"3.1.0": {
			`target: $.components.schemas.Widget.allOf[1].properties.shape.oneOf[0].properties.radius`, `- number`, `- "null"`,
			`target: $.components.schemas.Widget.allOf[1].properties.size`, `type:`, `- integer`, `- string`,
		},
	}
	for _, version := range []string{"3.0.3", "3.1.0"} {
		t.Run(version, func(t *testing.T) {
			spec := yamlToJSON(t, strings.Replace(unitSpec, "OPENAPI", version, 1))
			res, err := replay(context.Background(), spec, h)
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, f := range res.Findings {
				kinds[string(f.Kind)]++
			}
			wantKinds := map[string]int{"unknown-member": 2, "enum-value": 1, "type-mismatch": 2, "missing-required": 2, "undeclared-status": 1, "undeclared-body": 1}
			if fmt.Sprint(kinds) != fmt.Sprint(wantKinds) {
				t.Errorf("findings by kind %v, want %v", kinds, wantKinds)
			}
			d, err := draftOverlay("unit", spec, res.Findings)
			if err != nil {
				t.Fatal(err)
			}
			rest := string(d.yaml)
			for _, line := range want[version] {
				i := strings.Index(rest, line)
				if i < 0 {
					t.Errorf("the overlay lacks %q (in order)", line)
					break
				}
				rest = rest[i+len(line):]
			}
			if n := strings.Count(string(d.yaml), "\n  # drift: "); n != len(d.actions) {
				t.Errorf("%d comments for %d actions", n, len(d.actions))
			}
			fixed, err := applyOverlay("unit", spec, d.yaml)
			if err != nil {
				t.Fatalf("the draft does not apply: %v\n%s", err, d.yaml)
			}
			again, err := replay(context.Background(), fixed, h)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range again.Findings {
				t.Errorf("drift left after the overlay: %s", findingLine(f))
			}
			if t.Failed() {
				t.Logf("overlay:\n%s", d.yaml)
			}
		})
	}
}

func yamlToJSON(t *testing.T, y string) []byte {
	t.Helper()
	return yamlToJSONBytes(t, []byte(y))
}

func yamlToJSONBytes(t testing.TB, y []byte) []byte {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(y, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
