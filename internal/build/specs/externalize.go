package specs

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Externalize makes the files of one tag package (generated from a tag
// sub-document that still holds the shared schemas) use the shared model
// package instead of declaring those schemas again: it deletes the
// declarations whose exported names the model package declares (types,
// their methods, their constants, and the unexported known…Members helper
// types of the template) and qualifies every reference to them with
// "model.", resolving identifiers by scope, so a struct field or a local
// variable that happens to share a type's name is left alone.
//
// files maps file names to source; modelSrc is the model package's code and
// modelPath its import path. The result has the same file names.
func Externalize(files map[string][]byte, modelSrc []byte, modelPath string) (map[string][]byte, error) {
	names, err := declaredNames(modelSrc)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	fset := token.NewFileSet()
	parsed := map[string]*ast.File{}
	order := make([]string, 0, len(files))
	for name := range files {
		order = append(order, name)
	}
	sort.Strings(order)
	for _, name := range order {
		f, err := parser.ParseFile(fset, name, files[name], parser.ParseComments)
		if err != nil {
			return nil, err
		}
		parsed[name] = f
	}
	// Resolve identifiers across the package's files (the front door names
	// types declared in the oapi-codegen file). Errors are about imported
	// package names, which are not in the package scope: expected.
	_, _ = ast.NewPackage(fset, parsed, nil, nil) //nolint:staticcheck // scope resolution without type checking is what is needed here

	shared := func(name string) bool {
		if !names[name] {
			return false
		}
		if ast.IsExported(name) {
			return true
		}
		inner, ok := strings.CutPrefix(name, "known")
		inner, ok2 := strings.CutSuffix(inner, "Members")
		return ok && ok2 && names[inner]
	}
	removed := map[any]bool{} // declaration nodes moved to model
	for _, f := range parsed {
		var gone []span // removed declarations with their comments
		cut := func(doc *ast.CommentGroup, n ast.Node, trailing *ast.CommentGroup) {
			s := span{n.Pos(), n.End()}
			if doc != nil {
				s.from = doc.Pos()
			}
			if trailing != nil && trailing.End() > s.to {
				s.to = trailing.End()
			}
			gone = append(gone, s)
		}
		var decls []ast.Decl
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil && len(d.Recv.List) == 1 {
					if shared(recvType(d.Recv.List[0].Type)) {
						removed[d] = true
						cut(d.Doc, d, nil)
						continue
					}
				} else if d.Recv == nil && shared(d.Name.Name) {
					removed[d] = true
					cut(d.Doc, d, nil)
					continue
				}
			case *ast.GenDecl:
				var specs []ast.Spec
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if shared(s.Name.Name) {
							removed[s] = true
							cut(s.Doc, s, s.Comment)
							continue
						}
					case *ast.ValueSpec:
						all := len(s.Names) > 0
						for _, n := range s.Names {
							all = all && shared(n.Name)
						}
						if all {
							removed[s] = true
							cut(s.Doc, s, s.Comment)
							continue
						}
					}
					specs = append(specs, s)
				}
				if d.Tok != token.IMPORT && len(specs) == 0 && len(d.Specs) > 0 {
					cut(d.Doc, d, nil)
					continue
				}
				d.Specs = specs
			}
			decls = append(decls, d)
		}
		f.Decls = decls
		var keep []*ast.CommentGroup
		for _, c := range f.Comments {
			in := false
			for _, g := range gone {
				if c.Pos() >= g.from && c.End() <= g.to {
					in = true
					break
				}
			}
			if !in {
				keep = append(keep, c)
			}
		}
		f.Comments = keep
	}
	out := map[string][]byte{}
	for name, f := range parsed {
		used := false
		astutil.Apply(f, func(c *astutil.Cursor) bool {
			id, ok := c.Node().(*ast.Ident)
			if !ok || id.Obj == nil || !shared(id.Name) {
				return true
			}
			if kv, ok := c.Parent().(*ast.KeyValueExpr); ok && c.Name() == "Key" && kv != nil {
				return true
			}
			if _, ok := c.Parent().(*ast.SelectorExpr); ok && c.Name() == "Sel" {
				return true
			}
			if !removed[id.Obj.Decl] {
				return true
			}
			c.Replace(&ast.SelectorExpr{X: ast.NewIdent("model"), Sel: ast.NewIdent(id.Name)})
			used = true
			return true
		}, nil)
		if used {
			astutil.AddNamedImport(fset, f, "model", modelPath)
		}
		pruneImports(fset, f)
		var b bytes.Buffer
		if err := (&printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}).Fprint(&b, fset, f); err != nil {
			return nil, err
		}
		src, err := format.Source(b.Bytes())
		if err != nil {
			return nil, fmt.Errorf("%s after moving shared types to model: %w", name, err)
		}
		out[name] = src
	}
	return out, nil
}

// pruneImports deletes the imports f no longer uses (blank imports stay).
func pruneImports(fset *token.FileSet, f *ast.File) {
	for _, imp := range slices.Clone(f.Imports) {
		path, _ := strconv.Unquote(imp.Path.Value)
		local := ""
		if imp.Name != nil {
			local = imp.Name.Name
		}
		if local != "_" && !usesImport(f, local, path) {
			astutil.DeleteNamedImport(fset, f, local, path)
		}
	}
}

// span is a source range [from, to].
type span struct{ from, to token.Pos }

// usesImport reports whether f refers to the package imported as local
// (or, when local is empty, by the last element of path, which is the
// package name of every import generated code uses unnamed, except the
// versioned ones handled by astutil).
func usesImport(f *ast.File, local, path string) bool {
	if local == "" {
		return astutil.UsesImport(f, path)
	}
	used := false
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == local && id.Obj == nil {
			used = true
		}
		return !used
	})
	return used
}

// recvType is the base type name of a method receiver.
func recvType(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvType(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvType(t.X)
	}
	return ""
}

// declaredNames lists the package-level names declared in src.
func declaredNames(src []byte) (map[string]bool, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "model.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				out[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					out[s.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range s.Names {
						out[n.Name] = true
					}
				}
			}
		}
	}
	return out, nil
}
