package specs

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// directScalarQueryParams replaces, in the request builders, the styling of
// an integer or boolean query parameter by the runtime (reflection, a
// fmt.Sprintf, an escape and a strings.Split per parameter: about five
// allocations each) with one call of the companion's queryInteger or
// queryBoolean, which writes the same "name=value" fragment. Only
// parameters whose name needs no escaping are rewritten; the decimal digits,
// "-", "true" and "false" need none under any query escaping, so the bytes on
// the wire do not change (TestScalarQueryFragments compares both for the
// edge values).
func directScalarQueryParams(f *genFile) (int, error) {
	n := 0
	ast.Inspect(f.file, func(node ast.Node) bool {
		is, ok := node.(*ast.IfStmt)
		if !ok {
			return true
		}
		helper, name, value, ok := scalarQueryStyling(f, is)
		if !ok {
			return true
		}
		f.replace(is, fmt.Sprintf("rawQueryFragments = append(rawQueryFragments, %s(%q, %s))", helper, name, f.text(value)))
		n++
		return false
	})
	return n, nil
}

// scalarQueryStyling matches the statement oapi-codegen emits for one query
// parameter,
//
//	if queryFrag, err := runtime.StyleParamWithOptions("form", true, "name", *params.X,
//		runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationQuery, Type: "integer", Format: ""}); err != nil {
//		return nil, err
//	} else {
//		for _, qp := range strings.Split(queryFrag, "&") {
//			rawQueryFragments = append(rawQueryFragments, qp)
//		}
//	}
//
// for Type "integer" or "boolean", and returns the companion helper to call,
// the parameter's name and the value expression.
func scalarQueryStyling(f *genFile, is *ast.IfStmt) (helper, name string, value ast.Expr, ok bool) {
	as, ok := is.Init.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 || f.text(as.Lhs[0]) != "queryFrag" {
		return "", "", nil, false
	}
	call, ok := as.Rhs[0].(*ast.CallExpr)
	if !ok || f.text(call.Fun) != "runtime.StyleParamWithOptions" || len(call.Args) != 5 {
		return "", "", nil, false
	}
	if f.text(call.Args[0]) != `"form"` {
		return "", "", nil, false
	}
	lit, ok := call.Args[2].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", "", nil, false
	}
	name, err := strconv.Unquote(lit.Value)
	if err != nil || name == "" || strings.TrimLeft(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") != "" {
		return "", "", nil, false
	}
	opts, ok := call.Args[4].(*ast.CompositeLit)
	if !ok || f.text(opts.Type) != "runtime.StyleParamOptions" {
		return "", "", nil, false
	}
	fields := map[string]string{}
	for _, e := range opts.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			return "", "", nil, false
		}
		fields[f.text(kv.Key)] = f.text(kv.Value)
	}
	if fields["ParamLocation"] != "runtime.ParamLocationQuery" || len(fields) != 3 {
		return "", "", nil, false // AllowReserved or another option: leave it to the runtime
	}
	switch fields["Type"] {
	case `"integer"`:
		helper = "queryInteger"
	case `"boolean"`:
		helper = "queryBoolean"
	default:
		return "", "", nil, false
	}
	if !isErrCheckBody(f, is) || !isFragmentLoop(f, is.Else) {
		return "", "", nil, false
	}
	return helper, name, call.Args[3], true
}

// isErrCheckBody reports whether is tests err and returns it.
func isErrCheckBody(f *genFile, is *ast.IfStmt) bool {
	return f.text(is.Cond) == "err != nil" && len(is.Body.List) == 1 && f.text(is.Body.List[0]) == "return nil, err"
}

// isFragmentLoop reports whether s is the else block appending the split
// fragments of queryFrag to rawQueryFragments.
func isFragmentLoop(f *genFile, s ast.Stmt) bool {
	b, ok := s.(*ast.BlockStmt)
	if !ok || len(b.List) != 1 {
		return false
	}
	r, ok := b.List[0].(*ast.RangeStmt)
	if !ok || f.text(r.X) != `strings.Split(queryFrag, "&")` || len(r.Body.List) != 1 {
		return false
	}
	return strings.ReplaceAll(f.text(r.Body.List[0]), " ", "") == "rawQueryFragments=append(rawQueryFragments,qp)"
}

// constantOperationPaths replaces
//
//	operationPath := fmt.Sprintf("/users")
//	if operationPath[0] == '/' {
//		operationPath = "." + operationPath
//	}
//
// which oapi-codegen emits for an operation path without parameters, with
// operationPath := "./users": the same string without two allocations per
// request for a constant.
func constantOperationPaths(f *genFile) (int, error) {
	n := 0
	ast.Inspect(f.file, func(node ast.Node) bool {
		b, ok := node.(*ast.BlockStmt)
		if !ok {
			return true
		}
		for i := 0; i+1 < len(b.List); i++ {
			as, ok := b.List[i].(*ast.AssignStmt)
			if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || f.text(as.Lhs[0]) != "operationPath" || as.Tok != token.DEFINE {
				continue
			}
			call, ok := as.Rhs[0].(*ast.CallExpr)
			if !ok || f.text(call.Fun) != "fmt.Sprintf" || len(call.Args) != 1 {
				continue
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				continue
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || strings.Contains(s, "%") || !strings.HasPrefix(s, "/") {
				continue
			}
			dot, ok := b.List[i+1].(*ast.IfStmt)
			if !ok || dot.Init != nil || dot.Else != nil || f.text(dot.Cond) != "operationPath[0] == '/'" ||
				len(dot.Body.List) != 1 || f.text(dot.Body.List[0]) != `operationPath = "." + operationPath` {
				continue
			}
			f.replace(as, "operationPath := "+strconv.Quote("."+s))
			f.replace(dot, "")
			n++
		}
		return true
	})
	return n, nil
}
