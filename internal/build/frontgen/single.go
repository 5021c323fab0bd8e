package frontgen

import "go/ast"

// singleOrList reports whether t is a union of exactly two members, a value
// type and a list of that type (WSO2 answers GET /Schemas/{id} with the one
// schema in a JSON array, other servers with the schema itself; the spec
// fix declares both), and returns the value type. The front door returns
// the value for either answer (frontdoor.DecodeOne), so callers never
// handle the union.
func (g *gen) singleOrList(t ast.Expr) (ast.Expr, bool) {
	as := g.gp.asOf(t)
	if len(as) != 2 {
		return nil, false
	}
	var members []ast.Expr
	for _, m := range as {
		members = append(members, m)
	}
	for i, m := range members {
		one := members[1-i]
		if el, ok := g.gp.elem(m); ok && g.gp.expr(el) == g.gp.expr(one) {
			return one, true
		}
	}
	return nil, false
}

// singleOp writes the method of an operation whose answer is a value or a
// list of exactly one value (singleOrList): it returns the value.
func (g *gen) singleOp(o op, c call, doc string, one ast.Expr) {
	ts := g.gp.expr(one)
	g.p("%s\n//\n// The server answers the %s itself or a JSON array of exactly that one;\n// it returns the %s either way.\n", doc, ts, ts)
	g.p("func (a *API) %s(%s) (%s, error) {\n%s\tvar fdV %s\n\tfdResp, err := a.raw.%s(%s)\n\terr = frontdoor.DecodeOne(fdResp, err, &fdV)\n\tfdCall.End(err)\n\treturn fdV, err\n}\n\n", c.name, c.declList(), ts, g.start(o), ts, c.method, c.argList(""))
}
