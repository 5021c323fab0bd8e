package frontgen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// goPkg is what the generator needs to know of the oapi-codegen output: the
// names and shapes it chose.
type goPkg struct {
	fset    *token.FileSet
	types   map[string]ast.Expr              // type name -> its type expression
	methods map[string]*ast.FuncDecl         // (*Client) method name -> decl
	as      map[string]map[string]ast.Expr   // union type -> As<X> method -> X
	imports map[string]string                // local name -> import path
	fields  map[string]map[string]*ast.Field // struct type -> json name -> field
}

func parseGo(src []byte) (*goPkg, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "gen.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	p := &goPkg{fset: fset, types: map[string]ast.Expr{}, methods: map[string]*ast.FuncDecl{},
		as: map[string]map[string]ast.Expr{}, imports: map[string]string{}, fields: map[string]map[string]*ast.Field{}}
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		p.imports[name] = path
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				ts, ok := s.(*ast.TypeSpec)
				if !ok {
					continue
				}
				p.types[ts.Name.Name] = ts.Type
				if st, ok := ts.Type.(*ast.StructType); ok {
					p.fields[ts.Name.Name] = jsonFields(st)
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) != 1 {
				continue
			}
			recv := d.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			id, ok := recv.(*ast.Ident)
			if !ok {
				continue
			}
			if id.Name == "Client" {
				p.methods[d.Name.Name] = d
			}
			if strings.HasPrefix(d.Name.Name, "As") && d.Type.Results != nil && len(d.Type.Results.List) == 2 {
				if p.as[id.Name] == nil {
					p.as[id.Name] = map[string]ast.Expr{}
				}
				p.as[id.Name][d.Name.Name] = d.Type.Results.List[0].Type
			}
		}
	}
	return p, nil
}

// jsonFields indexes a struct's fields by their JSON name.
func jsonFields(st *ast.StructType) map[string]*ast.Field {
	out := map[string]*ast.Field{}
	for _, f := range st.Fields.List {
		if len(f.Names) != 1 || f.Tag == nil {
			continue
		}
		tag, _ := strconv.Unquote(f.Tag.Value)
		name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = f
	}
	return out
}

// jsonName returns the JSON name of a struct field, "" for none.
func jsonName(f *ast.Field) string {
	if f == nil || f.Tag == nil {
		return ""
	}
	tag, _ := strconv.Unquote(f.Tag.Value)
	name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
	return name
}

// expr renders a type expression as Go source.
func (p *goPkg) expr(e ast.Expr) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, p.fset, e); err != nil {
		panic(fmt.Sprintf("frontgen: printing %T: %v", e, err))
	}
	return b.String()
}

// underlying follows local type names (definitions and aliases) to the
// first expression that is not a local name.
func (p *goPkg) underlying(e ast.Expr) ast.Expr {
	for range 20 {
		id, ok := e.(*ast.Ident)
		if !ok {
			return e
		}
		t, ok := p.types[id.Name]
		if !ok {
			return e
		}
		e = t
	}
	return e
}

// elem returns the element type of a slice type (through local names).
func (p *goPkg) elem(e ast.Expr) (ast.Expr, bool) {
	if at, ok := p.underlying(e).(*ast.ArrayType); ok && at.Len == nil {
		return at.Elt, true
	}
	return nil, false
}

// structFields returns the JSON-indexed fields of the struct type e names.
func (p *goPkg) structFields(e ast.Expr) (map[string]*ast.Field, string) {
	for range 20 {
		id, ok := e.(*ast.Ident)
		if !ok {
			return nil, ""
		}
		if f, ok := p.fields[id.Name]; ok {
			return f, id.Name
		}
		t, ok := p.types[id.Name]
		if !ok {
			return nil, ""
		}
		e = t
	}
	return nil, ""
}

func deref(e ast.Expr) (ast.Expr, bool) {
	if s, ok := e.(*ast.StarExpr); ok {
		return s.X, true
	}
	return e, false
}

// asOf returns the As<X> methods of the union type t names, following
// local type names (aliases) to the type that declares them.
func (p *goPkg) asOf(t ast.Expr) map[string]ast.Expr {
	for range 20 {
		id, ok := t.(*ast.Ident)
		if !ok {
			return nil
		}
		if m := p.as[id.Name]; len(m) > 0 {
			return m
		}
		t, ok = p.types[id.Name]
		if !ok {
			return nil
		}
	}
	return nil
}
