package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/contract"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// evidenceDir holds the HAR files recorded as evidence, one per API
// (testdata/evidence/<api>.har at the module root).
const evidenceDir = "../../../../testdata/evidence"

// evidence lists the evidence HAR files whose typed coverage must be
// complete: every member, status and enum value they show is declared, and
// every call matches an operation. Add a file here when it is committed;
// TestEvidenceCoverage fails on a file in evidenceDir that is not listed
// and on a listed file that is missing.
var evidence = []string{
	"auth0.har",
	"scimgroups.har",
	"scimme.har",
	"scimroles.har",
	"scimschemas.har",
	"scimusers.har",
	"umbraco17.har",
	"umbraco18.har",
}

// TestEvidenceCoverage checks that each evidence HAR file has a typed
// coverage of 0 members only in AdditionalProperties, 0 calls to no
// operation, 0 undeclared statuses and 0 enum misses against its API's
// fixed spec.
func TestEvidenceCoverage(t *testing.T) {
	found, err := filepath.Glob(filepath.Join(evidenceDir, "*.har"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		if !slices.Contains(evidence, filepath.Base(f)) {
			t.Errorf("%s is not listed in evidence (coverage_test.go): list it so that its typed coverage is checked", f)
		}
	}
	t.Logf("%d evidence files listed, %d found in %s", len(evidence), len(found), evidenceDir)
	for _, name := range evidence {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(evidenceDir, name)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("listed evidence file: %v", err)
			}
			api := strings.TrimSuffix(name, ".har")
			spec, err := contracttest.SpecPath(api)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			cov, err := runCoverage(context.Background(), &out, api, spec, path)
			if err != nil {
				t.Fatal(err)
			}
			if !cov.zero() {
				t.Errorf("typed coverage of %s is not complete:\n%s", path, out.String())
			}
			// A file whose calls route to no operation of the spec (a
			// base path not stripped, the wrong API) would read as
			// complete coverage: every entry must have been replayed
			// against an operation.
			_, h, res, err := load(context.Background(), spec, path)
			if err != nil {
				t.Fatal(err)
			}
			replayed := 0
			for _, n := range res.Exchanges {
				replayed += n
			}
			if replayed != len(h.Log.Entries) || len(res.Skipped) > 0 {
				t.Errorf("%s: %d of %d entries replayed against an operation (skipped: %v)", path, replayed, len(h.Log.Entries), res.Skipped)
			}
		})
	}
}

// TestCoverageSummary checks the coverage mode on a HAR written here: the
// summary line counts each kind, and an empty one reads all zeros.
func TestCoverageSummary(t *testing.T) {
	spec := yamlToJSON(t, strings.Replace(unitSpec, "OPENAPI", "3.0.3", 1))
	dir := t.TempDir()
	specPath := filepath.Join(dir, "spec.json")
	if err := os.WriteFile(specPath, spec, 0o600); err != nil {
		t.Fatal(err)
	}
	const ok = `{"id":"a","kind":"small","size":3}`
	tests := []struct {
		name    string
		entries []harEntry
		summary string
		lines   []string
	}{
		{"clean", []harEntry{entry("GET", "/widgets", "", 200, `[`+ok+`]`)},
			"typed coverage: 0 members only in AdditionalProperties, 0 calls to no operation, 0 undeclared statuses, 0 enum misses", nil},
		{"each kind", []harEntry{
			entry("GET", "/widgets", "", 200, `[{"id":"a","kind":"small","size":3,"colour":"red","flags":{"beta":true,"x":1}}]`),
			entry("GET", "/widgets", "", 200, `[{"id":"a","kind":"Small","size":3},{"id":"b","kind":"huge","size":3}]`),
			entry("GET", "/gadgets", "", 200, `[]`),
			entry("GET", "/gadgets", "", 200, `[]`),
			entry("POST", "/widgets", ok, 201, ok),
		},
			"typed coverage: 2 members only in AdditionalProperties, 2 calls to no operation, 1 undeclared statuses, 2 enum misses",
			[]string{
				"members only in AdditionalProperties (2):",
				"  /components/schemas/Base: 1 members\n" +
					`    "colour", once in listWidgets -> draft: update $.components.schemas.Base.properties` + "\n" +
					"  /components/schemas/Flags: 1 members\n" +
					`    "x", once in listWidgets -> draft: update $.components.schemas.Flags.properties`,
				"calls to no operation (2):",
				"  GET /gadgets, 2 times -> not drafted: no operation of the spec matches it",
				"undeclared statuses (1):",
				"  POST /widgets (createWidget) 201, application/json, once in createWidget -> draft: update $.paths['/widgets'].post.responses",
				"enum misses (2):",
				`  /components/schemas/Widget/allOf/1/properties/kind: "Small", "huge", 2 times in listWidgets -> draft: update $.components.schemas.Widget.allOf[1].properties.kind.enum`,
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &har{Log: harLog{Entries: tc.entries}}
			raw, _ := json.Marshal(h)
			path := filepath.Join(t.TempDir(), "t.har")
			if err := os.WriteFile(path, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			cov, err := runCoverage(context.Background(), &out, "unit", specPath, path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tc.summary+"\n") {
				t.Errorf("summary: want %q in\n%s", tc.summary, out.String())
			}
			if cov.zero() != (tc.lines == nil) {
				t.Errorf("zero() = %v", cov.zero())
			}
			for _, l := range tc.lines {
				if !strings.Contains(out.String(), l) {
					t.Errorf("the coverage lacks %q:\n%s", l, out.String())
				}
			}
		})
	}
}

// TestNotDrafted checks that a finding the draft cannot act on (its schema
// pointer leads nowhere, or its action does not apply) is reported as not
// drafted and the rest is still drafted and applied, instead of ending the
// run; and that a chain of aliases is followed to the schema it names.
func TestNotDrafted(t *testing.T) {
	const doc = `
openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Real:
      type: object
      required: [id]
      properties:
        id: {type: string}
        kind: {type: string, enum: [a, b]}
    Alias: {$ref: '#/components/schemas/Middle'}
    Middle: {$ref: '#/components/schemas/Real'}
    Loop1: {$ref: '#/components/schemas/Loop2'}
    Loop2: {$ref: '#/components/schemas/Loop1'}
    NoEnum: {type: string}
`
	spec := yamlToJSON(t, doc)
	base := contract.Finding{Operation: "op", Method: "GET", Path: "/x", Where: contract.InResponse, Status: 200, Count: 1}
	with := func(f func(*contract.Finding)) contract.Finding {
		c := base
		f(&c)
		return c
	}
	findings := []contract.Finding{
		with(func(f *contract.Finding) {
			f.Kind, f.Schema, f.Member = contract.UnknownMember, "/components/schemas/Alias", "extra"
			f.Observed = map[string]any{"type": "string"}
		}),
		with(func(f *contract.Finding) {
			f.Kind, f.Schema, f.Member = contract.MissingMember, "/components/schemas/Alias", "id"
		}),
		with(func(f *contract.Finding) {
			f.Kind, f.Schema, f.Value = contract.EnumValue, "/components/schemas/Alias/properties/kind", "A"
		}),
		with(func(f *contract.Finding) {
			f.Kind, f.Schema, f.Member = contract.UnknownMember, "/components/schemas/Gone", "x"
		}),
		with(func(f *contract.Finding) {
			f.Kind, f.Schema, f.Value = contract.EnumValue, "/components/schemas/Loop1", "z"
		}),
		with(func(f *contract.Finding) {
			f.Kind, f.Schema, f.Value = contract.EnumValue, "/components/schemas/NoEnum", "z"
		}),
	}
	d, err := draftOverlay("unit", spec, findings)
	if err != nil {
		t.Fatalf("a finding that cannot be drafted ended the draft: %v", err)
	}
	var nd []string
	for _, c := range d.notDrafted() {
		nd = append(nd, c.schema+": "+c.notDrafted)
	}
	if len(nd) != 3 || !strings.Contains(nd[0], `/components/schemas/Gone is not in the spec`) ||
		!strings.Contains(nd[1], "$ref hops") || !strings.Contains(nd[2], `no member "enum"`) {
		t.Errorf("not drafted:\n%s", strings.Join(nd, "\n"))
	}
	y := string(d.yaml)
	for _, want := range []string{
		"target: $.components.schemas.Real.properties\n", "extra:",
		"target: $.components.schemas.Real.required\n", "remove: true",
		"target: $.components.schemas.Real.properties.kind.enum\n", `"A" differs from the declared "a" only in case`,
	} {
		if !strings.Contains(y, want) {
			t.Errorf("the draft lacks %q:\n%s", want, y)
		}
	}
	if strings.Contains(y, "Alias") || strings.Contains(y, "Middle") {
		t.Errorf("the draft targets an alias:\n%s", y)
	}
	if _, err := applyDraft("unit", spec, d); err != nil {
		t.Fatalf("the drafted part does not apply: %v\n%s", err, y)
	}

	// An action that does not apply (here: a second removal of the same
	// required list, which the first already removed) is dropped and
	// reported, and the rest applies.
	d.changes = append(d.changes, &change{kind: contract.MissingMember, first: findings[1],
		acts: []*action{{target: "$.components.schemas.NoEnum.required", remove: true, comment: "drift: test"}}})
	if err := d.render("unit"); err != nil {
		t.Fatal(err)
	}
	if _, err := applyDraft("unit", spec, d); err != nil {
		t.Fatalf("a change that does not apply ended the run: %v", err)
	}
	last := d.changes[len(d.changes)-1]
	if !strings.HasPrefix(last.notDrafted, "its action does not apply: ") {
		t.Errorf("the change that does not apply is not reported: %q", last.notDrafted)
	}
	if n := len(d.notDrafted()); n != 4 {
		t.Errorf("%d not drafted, want 4", n)
	}
}
