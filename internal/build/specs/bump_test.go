package specs

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"gopkg.in/yaml.v3"
)

// mirror returns the directory of pinned upstream documents (SPECS_MIRROR,
// as make exports it relative to the module root, or ../shared/specs).
func mirror(t *testing.T) string {
	t.Helper()
	m := os.Getenv("SPECS_MIRROR")
	if m == "" {
		m = "../shared/specs"
	}
	if !filepath.IsAbs(m) {
		m = filepath.Join("../../..", m)
	}
	abs, err := filepath.Abs(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(abs, "umbraco")); err != nil {
		if os.Getenv("SPECS_MIRROR") != "" {
			t.Fatalf("SPECS_MIRROR: %v", err)
		}
		t.Skipf("no spec mirror (set SPECS_MIRROR): %v", err)
	}
	return abs
}

// sandbox copies what Bump reads and writes (go.mod, go.sum, the tools
// modfile, specs/ and the given generated dirs) into a temporary module root, so that a
// bump, APPLY included, never touches the worktree.
func sandbox(t *testing.T, pkgs ...string) (*Pipeline, Layout) {
	t.Helper()
	root := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum", ToolsModfile, strings.TrimSuffix(ToolsModfile, ".mod") + ".sum"} {
		b, err := os.ReadFile(filepath.Join("../../..", f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(root, f), b)
	}
	ents, err := os.ReadDir("../../../specs")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Type().IsRegular() {
			b, _ := os.ReadFile(filepath.Join("../../../specs", e.Name()))
			writeFile(t, filepath.Join(root, "specs", e.Name()), b)
		}
	}
	// The project's oapi-codegen templates, where there are any.
	if _, err := os.Stat("../../../specs/templates"); err == nil {
		if err := copyTree("../../../specs/templates", filepath.Join(root, "specs", "templates")); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range pkgs {
		if err := copyTree(filepath.Join("../../..", p), filepath.Join(root, p)); err != nil {
			t.Fatal(err)
		}
		deps, err := moduleDeps(t.Context(), "../../..", "github.com/mgmtapi/mgmtapi", p)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range deps {
			if err := copyPackage(filepath.Join("../../..", d), filepath.Join(root, d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	l := Layout{Root: root, Mirror: mirror(t)}
	p, err := LoadPipeline(l.SpecsDir())
	if err != nil {
		t.Fatal(err)
	}
	return p, l
}

// The reporting fix run must produce exactly what Fix produces when every
// fix applies: the reports are computed over the documents gen/ is made of.
func TestFixAndReportMatchesFix(t *testing.T) {
	t.Parallel()
	// Umbraco takes 17 s under -race; TestBumpUmbraco17To18 runs its fixes too.
	for _, api := range []string{"scimgroups", "applications"} {
		t.Run(api, func(t *testing.T) {
			p, l := sandbox(t)
			a, _ := p.API(api)
			pin, _ := p.Lock.Pin(a.Spec)
			up, err := readVerified(t.Context(), l.Syncer(), pin)
			if err != nil {
				t.Fatal(err)
			}
			want, err := p.Fix(a, up)
			if err != nil {
				t.Fatal(err)
			}
			r, err := p.fixAndReport(a, up)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Stale) > 0 {
				t.Errorf("stale fixes on the pinned document: %v", r.Stale)
			}
			if !bytes.Equal(r.Fixed, want) {
				t.Error("fixAndReport output differs from Fix")
			}
			if len(r.Touched) == 0 {
				t.Error("no fix recorded as touching anything")
			}
		})
	}
}

// Every stale fix is reported by name, not only the first.
func TestFixAndReportListsEveryStaleFix(t *testing.T) {
	ov := "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n" +
		"  # first reason\n  - target: $.components.schemas.Gone\n    update: {description: x}\n" +
		"  # still applies\n  - target: $.components.schemas.B\n    update: {description: y}\n" +
		"  # third reason\n  - target: $.components.schemas.AlsoGone\n    remove: true\n"
	p, a := fixture(t, "[unwrap-single-oneof]", ov)
	up := []byte(`{"openapi":"3.0.0","paths":{"/b":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/B"}}}}}}}},"components":{"schemas":{"B":{"type":"string"}}}}`)
	r, err := p.fixAndReport(a, up)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range r.Stale {
		got = append(got, s.Fix)
	}
	want := []string{"step unwrap-single-oneof", "demo.overlay.yaml#1 $.components.schemas.Gone", "demo.overlay.yaml#3 $.components.schemas.AlsoGone"}
	if !slices.Equal(got, want) {
		t.Fatalf("stale = %q, want %q", got, want)
	}
	if !strings.Contains(r.Stale[1].Why, "reason: first reason") || !strings.Contains(r.Stale[2].Why, "reason: third reason") {
		t.Errorf("reasons missing: %+v", r.Stale)
	}
	if !strings.Contains(string(r.Fixed), `"description": "y"`) {
		t.Errorf("the action that still applies was not applied:\n%s", r.Fixed)
	}
	if !r.Touched["demo.overlay.yaml"]["schemas/B"] || !r.Refs["op GET /b"]["schemas/B"] {
		t.Errorf("touched %v, refs %v", r.Touched, r.Refs)
	}
}

// Umbraco 17.5.2 -> 18.0.2 with the umbraco17 pipeline: the element
// operations are added, real breaking changes are listed, the fixes that no
// longer apply are all named, and without APPLY nothing is written.
func TestBumpUmbraco17To18(t *testing.T) {
	t.Parallel()
	p, l := sandbox(t)
	lockBefore, _ := os.ReadFile(filepath.Join(l.SpecsDir(), "lock.json"))
	var out bytes.Buffer
	res, err := p.Bump(t.Context(), l, Bump{API: "umbraco17", New: filepath.Join(l.Mirror, "umbraco/umbraco-management-api-18.0.2.openapi.json"), NoGoAPI: true}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var added []string
	errs := map[string]int{}
	for _, c := range res.Spec.Changes {
		if c.ID == "endpoint-added" {
			added = append(added, c.Operation+" "+c.Path)
		}
		if c.Level == 3 {
			errs[c.ID]++
		}
	}
	if len(added) != 47 {
		t.Errorf("%d endpoints added, want 47 (Umbraco 18 release)", len(added))
	}
	for _, op := range []string{"GET /umbraco/management/api/v1/element/{id}", "POST /umbraco/management/api/v1/element"} {
		if !slices.Contains(added, op) {
			t.Errorf("endpoint-added lacks %s", op)
		}
	}
	for _, id := range []string{"api-path-removed-without-deprecation", "new-required-request-property", "request-body-became-required"} {
		if errs[id] == 0 {
			t.Errorf("no %s error; errors: %v", id, errs)
		}
	}
	var stale []string
	for _, s := range res.Stale {
		stale = append(stale, s.Fix)
	}
	if len(stale) < 2 || !slices.Contains(stale, "step json-request-bodies-only") {
		t.Errorf("stale fixes = %q", stale)
	}
	for _, want := range []string{"fixes on the new document: ", "breaking-change report (oasdiff, fixed old -> fixed new)", "masked by our fixes", "GET /umbraco/management/api/v1/member/configuration: API path removed without deprecation"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if len(res.Spec.Masked) == 0 {
		t.Error("the oneOf wrappers unwrap-single-oneof removes should mask upstream changes")
	}
	for _, c := range res.Spec.Masked {
		if c.ID == "response-body-one-of-removed" && !slices.Contains(c.Fixes, "step unwrap-single-oneof") {
			t.Errorf("masked %s %s not attributed to unwrap-single-oneof: %v", c.ID, c.where(), c.Fixes)
			break
		}
	}
	if lockAfter, _ := os.ReadFile(filepath.Join(l.SpecsDir(), "lock.json")); !bytes.Equal(lockBefore, lockAfter) {
		t.Error("lock.json changed without APPLY")
	}
}

// editNode parses a document, lets edit change it, and returns it as JSON.
func editDoc(t *testing.T, b []byte, edit func(root *yaml.Node)) []byte {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	edit(root(&doc))
	out, err := toJSON(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func at(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = get(n, k)
	}
	return n
}

// Deliberate edits to the pinned SCIM Groups document each appear in both
// reports; with APPLY the lock entry is rewritten and gen/ regenerated.
func TestBumpDeliberateEdits(t *testing.T) {
	t.Parallel()
	p, l := sandbox(t, "asgardeo/groups")
	pin, _ := p.Lock.Pin("scim2-groups")
	up, err := os.ReadFile(filepath.Join(l.Mirror, pin.File))
	if err != nil {
		t.Fatal(err)
	}
	edited := editDoc(t, up, func(r *yaml.Node) {
		schemas := at(r, "components", "schemas")
		// a removed property
		if !del(at(schemas, "GroupSearchResponseObject", "properties"), "itemsPerPage") {
			t.Fatal("no itemsPerPage to remove")
		}
		// a narrowed enum
		enum := at(schemas, "GroupItemObj", "properties", "op", "enum")
		enum.Content = slices.DeleteFunc(enum.Content, func(n *yaml.Node) bool { return n.Value == "replace" })
		// a new required parameter
		params := at(r, "paths", "/Groups", "get", "parameters")
		params.Content = append(params.Content, mapping(str("name"), str("tenantScope"), str("in"), str("query"),
			str("required"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"},
			str("schema"), mapping(str("type"), str("string"))))
	})
	newFile := filepath.Join(t.TempDir(), "asgardeo-scim2-groups.json")
	writeFile(t, newFile, edited)

	var out bytes.Buffer
	url := "https://raw.githubusercontent.com/wso2/docs-is/" + strings.Repeat("ab", 20) + "/en/asgardeo/docs/apis/restapis/scim2-groups.yaml"
	res, err := p.Bump(t.Context(), l, Bump{API: "scimgroups", New: newFile, Apply: true, URL: url, Version: "v1-edited"}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	tests := []struct {
		name             string
		specID, specText string // oasdiff change id and a fragment of its text
		goMsg            string // fragment of the apidiff message
		goCompatible     bool
	}{
		{"removed property", "response-optional-property-removed", "itemsPerPage", "groups.GroupSearchResponseObject.ItemsPerPage: removed", false},
		{"narrowed enum", "request-property-enum-value-removed", "replace", "groups.Replace: removed", false},
		{"new required parameter", "new-required-request-parameter", "tenantScope", "groups.ListGroupsParams.TenantScope: added", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.ContainsFunc(res.Spec.Changes, func(c SpecChange) bool {
				return c.ID == tt.specID && strings.Contains(c.Text, tt.specText)
			}) {
				t.Errorf("oasdiff report lacks %s about %q:\n%s", tt.specID, tt.specText, out.String())
			}
			if !slices.ContainsFunc(res.Go.Changes, func(c GoChange) bool {
				return strings.Contains(c.Message, tt.goMsg) && c.Compatible == tt.goCompatible
			}) {
				t.Errorf("apidiff report lacks %q (compatible=%v): %+v", tt.goMsg, tt.goCompatible, res.Go.Changes)
			}
		})
	}
	// Incompatible changes are printed before compatible ones.
	s := out.String()
	if i, j := strings.Index(s, "incompatible ("), strings.Index(s, "compatible ("); i < 0 || j < 0 || i > j {
		t.Errorf("incompatible changes not listed first:\n%s", s)
	}

	// APPLY: the lock entry names the new document and gen/ is regenerated from it.
	lock, err := LoadLock(filepath.Join(l.SpecsDir(), "lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := lock.Pin("scim2-groups")
	want := Pin{Name: "scim2-groups", File: "asgardeo/asgardeo-scim2-groups.json", Version: "v1-edited", Commit: strings.Repeat("ab", 20), URL: url, SHA256: digest(edited), Size: int64(len(edited))}
	if got != want {
		t.Errorf("lock entry = %+v\nwant %+v", got, want)
	}
	other, _ := lock.Pin("auth0")
	if orig, _ := p.Lock.Pin("auth0"); other != orig {
		t.Error("another lock entry changed")
	}
	doc, _ := os.ReadFile(filepath.Join(l.Root, "asgardeo/groups/doc.go"))
	code, _ := os.ReadFile(filepath.Join(l.Root, "asgardeo/groups/groups.gen.go"))
	if !bytes.Contains(doc, []byte(digest(edited))) || bytes.Contains(code, []byte(`Replace GroupItemObjOp = "replace"`)) || !bytes.Contains(code, []byte("TenantScope string")) {
		t.Error("asgardeo/groups was not regenerated from the new document")
	}
}

// APPLY refuses while fixes are stale, and when the lock entry lacks facts.
func TestBumpApplyRefuses(t *testing.T) {
	t.Parallel()
	p, l := sandbox(t, "asgardeo/groups")
	lockBefore, _ := os.ReadFile(filepath.Join(l.SpecsDir(), "lock.json"))
	pin, _ := p.Lock.Pin("scim2-groups")
	up, _ := os.ReadFile(filepath.Join(l.Mirror, pin.File))
	dir := t.TempDir()
	stale := editDoc(t, up, func(r *yaml.Node) { del(at(r, "paths"), "/Groups/.search") })
	writeFile(t, filepath.Join(dir, "stale.json"), stale)
	fine := editDoc(t, up, func(r *yaml.Node) { set(at(r, "info"), "version", str("v2")) })
	writeFile(t, filepath.Join(dir, "fine.json"), fine)
	// oasdiff reads a repeated parameter; oapi-codegen refuses it.
	nogen := editDoc(t, up, func(r *yaml.Node) {
		params := at(r, "paths", "/Groups", "get", "parameters")
		params.Content = append(params.Content, mapping(str("name"), str("domain"), str("in"), str("query"), str("schema"), mapping(str("type"), str("string"))))
	})
	writeFile(t, filepath.Join(dir, "nogen.json"), nogen)
	tests := []struct {
		name, file string
		goAPI      bool
		want       string // in the error
		wantOut    string // in the output
	}{
		{"stale fixes", "stale.json", false, "fixes no longer apply", "scimgroups.overlay.yaml#3 $.paths['/Groups/.search'].post: error applying overlay (strict): selector \"$.paths['/Groups/.search'].post\" did not match any targets; reason: Operation ids name the Go methods"},
		{"no url, version, commit", "fine.json", false, "needs URL= VERSION= COMMIT=", "lock entry:"},
		{"generator fails", "nogen.json", true, "not applied: go api report", "Go API impact: not available"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			_, err := p.Bump(t.Context(), l, Bump{API: "scimgroups", New: filepath.Join(dir, tt.file), Apply: true, NoGoAPI: !tt.goAPI}, &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if !strings.Contains(out.String(), tt.wantOut) || !strings.Contains(out.String(), "breaking-change report") {
				t.Errorf("output lacks %q or the spec report:\n%s", tt.wantOut, out.String())
			}
			if after, _ := os.ReadFile(filepath.Join(l.SpecsDir(), "lock.json")); !bytes.Equal(lockBefore, after) {
				t.Error("lock.json written although refused")
			}
		})
	}
}

// A candidate over the limit is an error naming the limit, never a
// truncated document; a FIFO is refused instead of blocking.
func TestReadSpecSourceLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	writeFile(t, big, bytes.Repeat([]byte(" "), 101))
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, src string
		max       int64
		want      string
	}{
		{"over the limit", big, 100, "over the 100-byte limit"},
		{"fifo", fifo, 100, "not a regular file"},
		{"directory", dir, 100, "not a regular file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readSpecSource(context.Background(), tt.src, tt.max)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big.json":
			w.Write(bytes.Repeat([]byte(" "), 1000))
		case "/ok.json":
			w.Write([]byte(`{"openapi":"3.0.0"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	for _, tt := range []struct{ name, src, want string }{
		{"url over the limit", srv.URL + "/big.json", "over the 100-byte limit"},
		{"url not found", srv.URL + "/gone.json", "HTTP 404"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readSpecSource(context.Background(), tt.src, 100)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if b, err := readSpecSource(context.Background(), srv.URL+"/ok.json", 100); err != nil || string(b) != `{"openapi":"3.0.0"}` {
		t.Errorf("url: %q, %v", b, err)
	}
	if b, err := readSpecSource(context.Background(), big, 101); err != nil || len(b) != 101 {
		t.Errorf("at the limit: %d bytes, %v", len(b), err)
	}
}

// readVerified returns the bytes it checked, and refuses a cache entry that
// no longer matches when there is nothing to re-sync from.
func TestReadVerified(t *testing.T) {
	good := []byte(`{"openapi":"3.0.0"}`)
	pin := pinFor("demo", "demo.json", good)
	s := &Syncer{Mirror: t.TempDir(), CacheDir: t.TempDir()}
	writeFile(t, filepath.Join(s.Mirror, "demo.json"), good)
	b, err := readVerified(t.Context(), s, pin)
	if err != nil || !bytes.Equal(b, good) {
		t.Fatalf("got %q, %v", b, err)
	}
	writeFile(t, filepath.Join(s.Mirror, "demo.json"), []byte(`{"openapi":"3.1.0"}`))
	writeFile(t, s.Path(pin), []byte(`{"openapi":"3.1.0"}`))
	var he *HashError
	if _, err := readVerified(t.Context(), s, pin); !errors.As(err, &he) {
		t.Fatalf("err = %v, want a HashError", err)
	}
}

// The lock file round-trips byte for byte, so APPLY changes one entry only.
func TestLockRoundTrip(t *testing.T) {
	b, err := os.ReadFile("../../../specs/lock.json")
	if err != nil {
		t.Fatal(err)
	}
	l, err := LoadLock("../../../specs/lock.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := marshalJSON(l, "")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(out, '\n'), b) {
		t.Errorf("lock.json does not round-trip:\n%s", out)
	}
}

func TestParseAPIDiff(t *testing.T) {
	out := "Incompatible changes:\n- T.F: removed\n./sub\nCompatible changes:\n- U: added\n"
	got := parseAPIDiff(out)
	want := []GoChange{{"T.F: removed", false}, {"./sub: U: added", true}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestBumpPin(t *testing.T) {
	old := Pin{Name: "x", File: "vendor/x-1.json"}
	absFile, err := filepath.Abs("m/vendor3/x-4.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		b      Bump
		mirror string
		want   Pin
	}{
		{"raw github url", Bump{New: "https://raw.githubusercontent.com/o/r/" + strings.Repeat("0", 40) + "/api/x-2.json"}, "",
			Pin{Name: "x", File: "vendor/x-2.json", URL: "https://raw.githubusercontent.com/o/r/" + strings.Repeat("0", 40) + "/api/x-2.json", Commit: strings.Repeat("0", 40)}},
		{"file in the mirror", Bump{New: "/m/vendor2/x-2.json", URL: "https://e.invalid/x", Version: "2", Commit: "c"}, "/m",
			Pin{Name: "x", File: "vendor2/x-2.json", URL: "https://e.invalid/x", Version: "2", Commit: "c"}},
		{"file elsewhere", Bump{New: "/tmp/dl/x-3.json"}, "/m", Pin{Name: "x", File: "vendor/x-3.json"}},
		{"relative mirror, absolute file", Bump{New: absFile}, "m", Pin{Name: "x", File: "vendor3/x-4.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.b.pin(old, nil, tt.mirror)
			got.SHA256, got.Size = "", 0
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// A URL with credentials is refused before anything is fetched or printed,
// and the error does not repeat the password.
func TestBumpRefusesURLCredentials(t *testing.T) {
	p, _ := fixture(t, "[]", okOverlay)
	for _, b := range []Bump{
		{API: "demo", New: "https://user:s3cr3t-pw@example.invalid/x.json"},
		{API: "demo", New: "x.json", URL: "https://user:s3cr3t-pw@example.invalid/x.json"},
	} {
		var out bytes.Buffer
		_, err := p.Bump(t.Context(), Layout{Root: t.TempDir()}, b, &out)
		if err == nil || !strings.Contains(err.Error(), "credentials") || strings.Contains(err.Error()+out.String(), "s3cr3t-pw") {
			t.Errorf("err = %v, output %q", err, out.String())
		}
	}
}
