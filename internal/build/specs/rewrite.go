package specs

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Rewrite is a deterministic edit of the Go code oapi-codegen generates,
// applied after generation. Rewrites exist for behaviour the project needs in
// every generated client that no spec fix or oapi-codegen option gives; they
// call the helpers of the companion file (companion.go) and never copy
// oapi-codegen's templates.
type Rewrite struct {
	// Name is how pipeline.yaml refers to the rewrite.
	Name string
	// Why is the one-line reason, printed by `specs steps`.
	Why string
	// apply records its edits on f and returns how many places it changed;
	// a rewrite that changes nothing is reported as an error, so a rewrite
	// that an oapi-codegen upgrade made unnecessary, or whose anchor moved,
	// is noticed rather than silently skipped.
	apply func(f *genFile) (int, error)
}

// Rewrites returns every known rewrite, in the order they are applied.
func Rewrites() []Rewrite {
	return []Rewrite{
		{
			Name:  "client-body-limit-field",
			Why:   "WithMaxResponseBody (the companion file) stores the response-body limit on the Client, and a struct's fields can only be declared in its declaration",
			apply: clientBodyLimitField,
		},
		{
			Name:  "one-segment-path-params",
			Why:   `the runtime leaves "", "." and ".." as they are and URL resolution then drops them or climbs to the parent (DeleteUser(ctx, "..") addressed the collection); refuse them before the request is built (issue 10)`,
			apply: oneSegmentPathParams,
		},
		{
			Name:  "direct-scalar-query-params",
			Why:   "the runtime styles an integer or boolean query parameter by reflection, fmt.Sprintf, an escape and a split (about five allocations each, 23 of the 43 of a front-door GET /users); the companion writes the same fragment with one (issue 19)",
			apply: directScalarQueryParams,
		},
		{
			Name:  "constant-operation-paths",
			Why:   `oapi-codegen builds a path without parameters with fmt.Sprintf("/users"), an allocation per request for a constant (issue 19)`,
			apply: constantOperationPaths,
		},
		{
			Name:  "alias-request-bodies",
			Why:   `"type XJSONRequestBody XJSONBody" is a new defined type that drops the body type's methods, so a union body lost its MarshalJSON and the typed method sent {}; make it an alias (issue 8)`,
			apply: aliasRequestBodies,
		},
		{
			Name:  "limit-response-bodies",
			Why:   "the ...WithResponse methods hand the response to Parse...Response with the limit set by WithMaxResponseBody attached (issue 10)",
			apply: limitResponseBodies,
		},
		{
			Name:  "bounded-body-reads",
			Why:   "Parse...Response read the whole body with io.ReadAll, an allocation the server chooses; read at most the limit and fail with *apierror.TooLargeError (issue 10)",
			apply: boundedBodyReads,
		},
		{
			Name:  "decode-errors-only-for-2xx",
			Why:   "an error body that does not match its declared schema made the whole call fail and hid the vendor error; keep it raw in Body for apierror.Checked and fail only for 2xx (issue 8)",
			apply: decodeErrorsOnlyFor2xx,
		},
		{
			Name:  "fill-undeclared-2xx",
			Why:   "servers answer 2xx statuses the spec does not declare (200 for a declared 201); where an operation declares exactly one JSON 2xx type, a JSON 2xx body that decodes into it fills that field (issue 8)",
			apply: fillUndeclared2xx,
		},
	}
}

func rewriteByName(name string) (Rewrite, bool) {
	for _, r := range Rewrites() {
		if r.Name == name {
			return r, true
		}
	}
	return Rewrite{}, false
}

// RewriteCount is how many places one rewrite changed in one package.
type RewriteCount struct {
	Name  string
	Sites int
}

// RewriteSource applies the named rewrites, in the order of Rewrites, to the
// generated source src and returns the gofmt-formatted result, the name of
// the client type the companion file must use and how many places each
// rewrite changed. A rewrite that changes nothing is an error.
func RewriteSource(src []byte, names []string) (out []byte, clientType string, counts []RewriteCount, err error) {
	return rewriteSource(src, names, false)
}

// rewriteSource is RewriteSource; with anyCount a rewrite may change nothing
// (a tag package of a split API without, say, path parameters): the caller
// checks that each changed something in one of the API's packages.
func rewriteSource(src []byte, names []string, anyCount bool) (out []byte, clientType string, counts []RewriteCount, err error) {
	f, err := parseGenFile(src)
	if err != nil {
		return nil, "", nil, err
	}
	for _, n := range names {
		if _, ok := rewriteByName(n); !ok {
			return nil, "", nil, fmt.Errorf("unknown rewrite %q", n)
		}
	}
	for _, r := range Rewrites() {
		if !slices.Contains(names, r.Name) {
			continue
		}
		n, err := r.apply(f)
		if err != nil {
			return nil, "", nil, fmt.Errorf("rewrite %s: %w", r.Name, err)
		}
		if n == 0 && !anyCount {
			return nil, "", nil, fmt.Errorf("rewrite %s changed nothing: remove it from pipeline.yaml or fix its anchor", r.Name)
		}
		counts = append(counts, RewriteCount{r.Name, n})
	}
	edited, err := f.result()
	if err != nil {
		return nil, "", nil, err
	}
	edited, err = dropUnusedImports(edited)
	if err != nil {
		return nil, "", nil, err
	}
	out, err = format.Source(edited)
	if err != nil {
		return nil, "", nil, fmt.Errorf("rewritten code does not parse: %w", err)
	}
	return out, f.clientType, counts, nil
}

// dropUnusedImports removes the imports that the rewrites left unused (io,
// once bounded-body-reads has replaced a package's only io.ReadAll). Only
// unnamed standard-library imports and oapi-codegen's runtime are
// considered: their package name is the last element of the path (not so
// for gopkg.in/yaml.v3, say).
func dropUnusedImports(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "gen.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("rewritten code does not parse: %w", err)
	}
	used := map[string]bool{}
	ast.Inspect(file, func(n ast.Node) bool {
		if se, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := se.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	var drop [][2]int
	for _, im := range file.Imports {
		if im.Name != nil {
			continue
		}
		p, err := strconv.Unquote(im.Path.Value)
		name := path.Base(p)
		if err != nil || strings.Contains(strings.Split(p, "/")[0], ".") && p != oapiRuntime {
			continue
		}
		if !used[name] {
			drop = append(drop, [2]int{fset.Position(im.Pos()).Offset, fset.Position(im.End()).Offset})
		}
	}
	out := src
	for i := len(drop) - 1; i >= 0; i-- {
		out = append(out[:drop[i][0]:drop[i][0]], out[drop[i][1]:]...)
	}
	return out, nil
}

// oapiRuntime is the import path of oapi-codegen's runtime, whose package
// name is its last element; a package whose only styled parameters were
// rewritten (direct-scalar-query-params) no longer uses it.
const oapiRuntime = "github.com/oapi-codegen/runtime"

// genFile is one generated file, parsed once; rewrites record edits against
// the original offsets and result applies them all.
type genFile struct {
	fset       *token.FileSet
	file       *ast.File
	src        []byte
	edits      []edit
	clientType string
	// types maps every top-level type name to its spec.
	types map[string]*ast.TypeSpec
}

// edit replaces src[start:end] with text (start == end inserts).
type edit struct {
	start, end int
	text       string
}

func parseGenFile(src []byte) (*genFile, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "gen.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse generated code: %w", err)
	}
	f := &genFile{fset: fset, file: file, src: src, types: map[string]*ast.TypeSpec{}}
	for _, d := range file.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				f.types[ts.Name.Name] = ts
			}
		}
	}
	// type ClientOption func(*<Client>) error names the client type.
	if ts, ok := f.types["ClientOption"]; ok {
		if ft, ok := ts.Type.(*ast.FuncType); ok && len(ft.Params.List) == 1 {
			if st, ok := ft.Params.List[0].Type.(*ast.StarExpr); ok {
				if id, ok := st.X.(*ast.Ident); ok {
					f.clientType = id.Name
				}
			}
		}
	}
	if f.clientType == "" {
		return nil, fmt.Errorf("generated code declares no ClientOption func(*Client) error: is generate.client on?")
	}
	return f, nil
}

func (f *genFile) off(p token.Pos) int { return f.fset.Position(p).Offset }

func (f *genFile) text(n ast.Node) string { return string(f.src[f.off(n.Pos()):f.off(n.End())]) }

func (f *genFile) insert(at token.Pos, text string) {
	o := f.off(at)
	f.edits = append(f.edits, edit{o, o, text})
}

func (f *genFile) replace(n ast.Node, text string) {
	f.edits = append(f.edits, edit{f.off(n.Pos()), f.off(n.End()), text})
}

// result applies the edits; overlapping edits mean two rewrites claim the
// same code and are an error.
func (f *genFile) result() ([]byte, error) {
	slices.SortStableFunc(f.edits, func(a, b edit) int { return a.start - b.start })
	var out bytes.Buffer
	last := 0
	for _, e := range f.edits {
		if e.start < last {
			return nil, fmt.Errorf("rewrites overlap at offset %d", e.start)
		}
		out.Write(f.src[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(f.src[last:])
	return out.Bytes(), nil
}

// funcs yields the top-level functions (recv false) or the methods on
// *recvType.
func (f *genFile) funcs(recvType string) []*ast.FuncDecl {
	var out []*ast.FuncDecl
	for _, d := range f.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		switch {
		case recvType == "" && fd.Recv == nil:
			out = append(out, fd)
		case recvType != "" && fd.Recv != nil && len(fd.Recv.List) == 1:
			if st, ok := fd.Recv.List[0].Type.(*ast.StarExpr); ok {
				if id, ok := st.X.(*ast.Ident); ok && id.Name == recvType {
					out = append(out, fd)
				}
			}
		}
	}
	return out
}

func clientBodyLimitField(f *genFile) (int, error) {
	ts := f.types[f.clientType]
	if ts == nil {
		return 0, fmt.Errorf("no type %s", f.clientType)
	}
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return 0, fmt.Errorf("%s is not a struct", f.clientType)
	}
	f.insert(st.Fields.Closing, "\n// maxResponseBody is set by WithMaxResponseBody; 0 means DefaultMaxResponseBody.\nmaxResponseBody int64\n")
	return 1, nil
}

// requestOp matches the doc comment oapi-codegen gives each request builder.
var requestOp = regexp.MustCompile(`constructs an http\.Request for the (\w+) method`)

func oneSegmentPathParams(f *genFile) (int, error) {
	n := 0
	for _, fd := range f.funcs("") {
		op := ""
		if m := requestOp.FindStringSubmatch(fd.Doc.Text()); m != nil {
			op = m[1]
		}
		declared, checked := map[string]bool{}, map[string]bool{}
		list := fd.Body.List
		for i, s := range list {
			if ds, ok := s.(*ast.DeclStmt); ok {
				for _, name := range pathParamVars(ds) {
					declared[name] = true
				}
				continue
			}
			as, ok := s.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
				continue
			}
			v, ok := as.Lhs[0].(*ast.Ident)
			if !ok || !strings.HasPrefix(v.Name, "pathParam") {
				continue
			}
			call, ok := as.Rhs[0].(*ast.CallExpr)
			if !ok || !strings.HasPrefix(f.text(call.Fun), "runtime.StyleParamWith") || !strings.Contains(f.text(call), "runtime.ParamLocationPath") || len(call.Args) < 3 {
				continue
			}
			lit, ok := call.Args[2].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return 0, fmt.Errorf("%s: %s: the third argument of %s is not the parameter name", fd.Name.Name, v.Name, f.text(call.Fun))
			}
			param, _ := strconv.Unquote(lit.Value)
			if op == "" {
				return 0, fmt.Errorf("%s builds a path without the doc comment naming its operation", fd.Name.Name)
			}
			if i+1 >= len(list) || !isErrCheck(f, list[i+1]) {
				return 0, fmt.Errorf("%s: %s: no err check after the styled value", fd.Name.Name, v.Name)
			}
			f.insert(list[i+1].End(), fmt.Sprintf("\n\nif err := checkPathSegment(%q, %q, %s); err != nil {\nreturn nil, err\n}", op, param, v.Name))
			checked[v.Name] = true
			n++
		}
		for name := range declared {
			if !checked[name] {
				return 0, fmt.Errorf("%s: path parameter %s is not styled by the runtime; this rewrite does not know how it is built", fd.Name.Name, name)
			}
		}
	}
	return n, nil
}

// pathParamVars returns the names of "var pathParamN string" declarations.
func pathParamVars(ds *ast.DeclStmt) []string {
	var out []string
	if g, ok := ds.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
		for _, s := range g.Specs {
			for _, name := range s.(*ast.ValueSpec).Names {
				if strings.HasPrefix(name.Name, "pathParam") && !strings.HasPrefix(name.Name, "pathParamBuf") {
					out = append(out, name.Name)
				}
			}
		}
	}
	return out
}

// isErrCheck reports whether s is "if err != nil { return nil, err }".
func isErrCheck(f *genFile, s ast.Stmt) bool {
	is, ok := s.(*ast.IfStmt)
	return ok && is.Init == nil && is.Else == nil && f.text(is.Cond) == "err != nil" &&
		len(is.Body.List) == 1 && f.text(is.Body.List[0]) == "return nil, err"
}

func aliasRequestBodies(f *genFile) (int, error) {
	n := 0
	for _, d := range f.file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE || g.Doc == nil || !strings.Contains(g.Doc.Text(), " defines body for ") {
			continue
		}
		for _, s := range g.Specs {
			ts := s.(*ast.TypeSpec)
			if strings.HasSuffix(ts.Name.Name, "RequestBody") && !ts.Assign.IsValid() && ts.TypeParams == nil {
				f.insert(ts.Name.End(), " =")
				n++
			}
		}
	}
	return n, nil
}

func limitResponseBodies(f *genFile) (int, error) {
	n := 0
	for _, fd := range f.funcs("ClientWithResponses") {
		if !strings.HasSuffix(fd.Name.Name, "WithResponse") {
			continue
		}
		recv := fd.Recv.List[0].Names
		last, ok := fd.Body.List[len(fd.Body.List)-1].(*ast.ReturnStmt)
		var call *ast.CallExpr
		if ok && len(last.Results) == 1 {
			call, _ = last.Results[0].(*ast.CallExpr)
		}
		if len(recv) != 1 || call == nil || !strings.HasPrefix(f.text(call.Fun), "Parse") || len(call.Args) != 1 || f.text(call.Args[0]) != "rsp" {
			return 0, fmt.Errorf("%s does not end in return Parse...(rsp)", fd.Name.Name)
		}
		f.replace(call.Args[0], recv[0].Name+".limitBody(rsp)")
		n++
	}
	return n, nil
}

// parseFuncs returns the Parse...Response functions and the response type
// each returns.
func (f *genFile) parseFuncs() ([]*ast.FuncDecl, []string, error) {
	var fds []*ast.FuncDecl
	var types []string
	for _, fd := range f.funcs("") {
		name := fd.Name.Name
		if !strings.HasPrefix(name, "Parse") || !strings.HasSuffix(name, "Response") {
			continue
		}
		res := fd.Type.Results
		if res == nil || len(res.List) != 2 || f.text(fd.Type.Params) != "(rsp *http.Response)" {
			return nil, nil, fmt.Errorf("%s: unexpected signature", name)
		}
		st, ok := res.List[0].Type.(*ast.StarExpr)
		id, _ := st.X.(*ast.Ident)
		if !ok || id == nil {
			return nil, nil, fmt.Errorf("%s: unexpected result type", name)
		}
		fds = append(fds, fd)
		types = append(types, id.Name)
	}
	return fds, types, nil
}

func boundedBodyReads(f *genFile) (int, error) {
	fds, _, err := f.parseFuncs()
	if err != nil {
		return 0, err
	}
	for _, fd := range fds {
		as, ok := fd.Body.List[0].(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || f.text(as.Rhs[0]) != "io.ReadAll(rsp.Body)" {
			return 0, fmt.Errorf("%s does not start with a read of rsp.Body", fd.Name.Name)
		}
		f.replace(as.Rhs[0], "readResponseBody(rsp)")
	}
	return len(fds), nil
}

func decodeErrorsOnlyFor2xx(f *genFile) (int, error) {
	fds, types, err := f.parseFuncs()
	if err != nil {
		return 0, err
	}
	n := 0
	for i, fd := range fds {
		sw, err := bodySwitch(f, fd)
		if err != nil {
			return 0, err
		}
		if sw == nil {
			continue // no declared response has a body to decode
		}
		f.replace(sw, fmt.Sprintf("if err := decodeDeclared(rsp, func() (*%s, error) {\n%s\n\nreturn response, nil\n}); err != nil {\nreturn nil, err\n}", types[i], f.text(sw)))
		n++
	}
	return n, nil
}

// bodySwitch returns the switch of a Parse...Response function that decodes
// the body by status, if it has one.
func bodySwitch(f *genFile, fd *ast.FuncDecl) (*ast.SwitchStmt, error) {
	var sw *ast.SwitchStmt
	for _, s := range fd.Body.List {
		if s, ok := s.(*ast.SwitchStmt); ok && s.Tag == nil && s.Init == nil && !isHeaderSwitch(f, s) {
			if sw != nil {
				return nil, fmt.Errorf("%s has two status switches", fd.Name.Name)
			}
			sw = s
		}
	}
	return sw, nil
}

// isHeaderSwitch reports whether every case of s binds response headers
// ("var headers ..."), which the status rule leaves alone.
func isHeaderSwitch(f *genFile, s *ast.SwitchStmt) bool {
	for _, c := range s.Body.List {
		cc := c.(*ast.CaseClause)
		if len(cc.Body) == 0 || !strings.HasPrefix(f.text(cc.Body[0]), "var headers ") {
			return false
		}
	}
	return len(s.Body.List) > 0
}

// statusSuffix is the status part of a response field name (JSON200,
// ApplicationProblemJSON2XX, JSONDefault).
var statusSuffix = regexp.MustCompile(`([1-5][0-9X][0-9X]|Default)$`)

func fillUndeclared2xx(f *genFile) (int, error) {
	fds, types, err := f.parseFuncs()
	if err != nil {
		return 0, err
	}
	n := 0
	for i, fd := range fds {
		var st *ast.StructType
		if ts := f.types[types[i]]; ts != nil {
			st, _ = ts.Type.(*ast.StructType)
		}
		if st == nil {
			return 0, fmt.Errorf("%s: %s is not a struct", fd.Name.Name, types[i])
		}
		// The one field of a JSON (not XML or YAML) 2xx response body, if
		// exactly one; HeadersNNN fields hold response headers.
		var only *ast.Field
		count := 0
		for _, fl := range st.Fields.List {
			for _, name := range fl.Names {
				m := statusSuffix.FindString(name.Name)
				if m == "" || m[0] != '2' || name.Name == "Headers"+m || strings.HasPrefix(name.Name, "XML") || strings.HasPrefix(name.Name, "YAML") {
					continue
				}
				only = fl
				count++
			}
		}
		if count != 1 {
			continue
		}
		last, ok := fd.Body.List[len(fd.Body.List)-1].(*ast.ReturnStmt)
		if !ok || f.text(last) != "return response, nil" {
			return 0, fmt.Errorf("%s does not end in return response, nil", fd.Name.Name)
		}
		field := only.Names[0].Name
		// After the status switch, before any response headers are bound.
		if sw, err := bodySwitch(f, fd); err != nil {
			return 0, err
		} else if sw != nil {
			f.insert(sw.End(), fmt.Sprintf("\nfillUndeclared2xx(rsp, bodyBytes, &response.%s)", field))
		} else {
			f.insert(last.Pos(), fmt.Sprintf("fillUndeclared2xx(rsp, bodyBytes, &response.%s)\n\n", field))
		}
		const doc = "// (also for any other 2xx response with a JSON body that decodes into it)"
		if only.Doc != nil {
			f.insert(only.Doc.End(), "\n"+doc)
		} else {
			f.insert(only.Pos(), doc+"\n")
		}
		n++
	}
	return n, nil
}
