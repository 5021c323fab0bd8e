package wiretest

import (
	"context"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"

	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	scimbulk "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimbulk"
	scimgroups "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimgroups"
	scimme "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimme"
	scimresourcetypes "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimresourcetypes"
	scimroles "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimroles"
	scimschemas "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimschemas"
	scimspconfig "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimspconfig"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
	umbraco18 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco18"
)

// api is one generated package, reached through reflection so that one test
// covers all of them.
type api struct {
	name string
	// client returns the package's *Client for server.
	client func(server string) (any, error)
	// withResponses returns its *ClientWithResponses; limit > 0 is passed
	// to WithMaxResponseBody, a non-nil doer to WithHTTPClient.
	withResponses func(server string, limit int64, doer *http.Client) (any, error)
	// equivalent, when set, accepts a request body that differs from the
	// intended one only by a documented rewrite, equivalentWhy.
	equivalent    func(got, want []byte) bool
	equivalentWhy string
}

// apis lists every package of gen/ (TestEveryPackageListed keeps it so).
func apis() []api {
	return []api{
		entry("applications", applications.NewClient, applications.NewClientWithResponses, applications.WithMaxResponseBody, applications.WithHTTPClient),
		entry("auth0", auth0.NewClient, auth0.NewClientWithResponses, auth0.WithMaxResponseBody, auth0.WithHTTPClient),
		scimEntry(entry("scimbulk", scimbulk.NewClient, scimbulk.NewClientWithResponses, scimbulk.WithMaxResponseBody, scimbulk.WithHTTPClient)),
		scimEntry(entry("scimgroups", scimgroups.NewClient, scimgroups.NewClientWithResponses, scimgroups.WithMaxResponseBody, scimgroups.WithHTTPClient)),
		scimEntry(entry("scimme", scimme.NewClient, scimme.NewClientWithResponses, scimme.WithMaxResponseBody, scimme.WithHTTPClient)),
		scimEntry(entry("scimresourcetypes", scimresourcetypes.NewClient, scimresourcetypes.NewClientWithResponses, scimresourcetypes.WithMaxResponseBody, scimresourcetypes.WithHTTPClient)),
		scimEntry(entry("scimroles", scimroles.NewClient, scimroles.NewClientWithResponses, scimroles.WithMaxResponseBody, scimroles.WithHTTPClient)),
		scimEntry(entry("scimschemas", scimschemas.NewClient, scimschemas.NewClientWithResponses, scimschemas.WithMaxResponseBody, scimschemas.WithHTTPClient)),
		scimEntry(entry("scimspconfig", scimspconfig.NewClient, scimspconfig.NewClientWithResponses, scimspconfig.WithMaxResponseBody, scimspconfig.WithHTTPClient)),
		scimEntry(entry("scimusers", scimusers.NewClient, scimusers.NewClientWithResponses, scimusers.WithMaxResponseBody, scimusers.WithHTTPClient)),
		entry("umbraco17", umbraco17.NewClient, umbraco17.NewClientWithResponses, umbraco17.WithMaxResponseBody, umbraco17.WithHTTPClient),
		entry("umbraco18", umbraco18.NewClient, umbraco18.NewClientWithResponses, umbraco18.WithMaxResponseBody, umbraco18.WithHTTPClient),
	}
}

// entry is the api of one generated package, from its constructors and
// options (O is the package's ClientOption, D its HttpRequestDoer).
func entry[O, C, W, D any](name string, newClient func(string, ...O) (C, error), newWithResponses func(string, ...O) (W, error),
	maxBody func(int64) O, httpClient func(D) O) api {
	return api{
		name:   name,
		client: func(s string) (any, error) { return newClient(s) },
		withResponses: func(s string, n int64, d *http.Client) (any, error) {
			var opts []O
			if n > 0 {
				opts = append(opts, maxBody(n))
			}
			if d != nil {
				opts = append(opts, httpClient(any(d).(D)))
			}
			return newWithResponses(s, opts...)
		},
	}
}

// specFacts returns what the fixed document of api declares.
func specFacts(t *testing.T, api string) contracttest.Facts {
	t.Helper()
	f, err := contracttest.SpecFacts(api)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// scimEntry accepts the one documented rewrite of the SCIM clients.
func scimEntry(a api) api {
	a.equivalent = scimValueEquivalent
	a.equivalentWhy = "scim.Value writes a bare-string multi-valued attribute as {\"value\": ...}"
	return a
}

var (
	ctxType    = reflect.TypeFor[context.Context]()
	readerType = reflect.TypeFor[io.Reader]()
	respType   = reflect.TypeFor[*http.Response]()
)

// method is a generated request method of *Client, its arguments split by role.
type method struct {
	reflect.Method
	// path are the indexes in Type.In (receiver at 0) of the path parameters.
	path []int
	// params is the index of the *<Op>Params argument, or 0.
	params int
	// body is the index of the body argument (io.Reader for ...WithBody,
	// the typed body otherwise), or 0; contentType that of the
	// content-type string of ...WithBody, or 0.
	body, contentType int
	// op is the operation's Go name; typed reports a typed-body method
	// (<Op> or <Op>With<Type>Body, beside <Op>WithBody).
	op    string
	typed bool
}

// methods lists the request methods of the *Client c: those taking a
// context first and returning (*http.Response, error).
func methods(c any) []method {
	t := reflect.TypeOf(c)
	var out []method
	for i := range t.NumMethod() {
		m := t.Method(i)
		ft := m.Type
		if ft.NumIn() < 3 || ft.In(1) != ctxType || !ft.IsVariadic() || ft.NumOut() != 2 || ft.Out(0) != respType {
			continue
		}
		mm := method{Method: m, op: m.Name}
		last := ft.NumIn() - 2 // the last non-variadic argument
		if ft.In(last) == readerType {
			mm.body, mm.contentType = last, last-1
			mm.op = strings.TrimSuffix(m.Name, "WithBody")
			last -= 2
		} else if op, ok := typedBodyOf(t, m.Name); ok {
			mm.body, mm.op, mm.typed = last, op, true
			last--
		}
		if last >= 2 && isParams(ft.In(last)) {
			mm.params = last
			last--
		}
		for j := 2; j <= last; j++ {
			mm.path = append(mm.path, j)
		}
		out = append(out, mm)
	}
	return out
}

// typedBodyOf reports whether name is a typed-body method of t, <Op> or
// <Op>With<Type>Body beside <Op>WithBody, and returns <Op>.
func typedBodyOf(t reflect.Type, name string) (string, bool) {
	if _, ok := t.MethodByName(name + "WithBody"); ok {
		return name, true
	}
	if !strings.HasSuffix(name, "Body") || strings.HasSuffix(name, "WithBody") {
		return "", false
	}
	for i := strings.LastIndex(name, "With"); i > 0; i = strings.LastIndex(name[:i], "With") {
		if _, ok := t.MethodByName(name[:i] + "WithBody"); ok {
			return name[:i], true
		}
	}
	return "", false
}

// isParams reports a *<Op>Params argument.
func isParams(t reflect.Type) bool {
	return t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && strings.HasSuffix(t.Elem().Name(), "Params")
}

// args returns arguments for m: path parameters from path (by position in
// m.path; missing or non-string ones get the zero value), nil params, body.
func (m method) args(ctx context.Context, c any, path []string, contentType string, body reflect.Value) []reflect.Value {
	ft := m.Type
	in := make([]reflect.Value, ft.NumIn()-1) // without the variadic editors
	in[0] = reflect.ValueOf(c)
	in[1] = reflect.ValueOf(ctx)
	for i := 2; i < len(in); i++ {
		in[i] = reflect.Zero(ft.In(i))
	}
	for k, i := range m.path {
		if k < len(path) && ft.In(i).Kind() == reflect.String {
			v := reflect.New(ft.In(i)).Elem()
			v.SetString(path[k])
			in[i] = v
		}
	}
	if m.contentType != 0 {
		in[m.contentType] = reflect.ValueOf(contentType)
	}
	if m.body != 0 && body.IsValid() {
		in[m.body] = body
	}
	return in
}

// call calls m and returns its results.
func (m method) call(in []reflect.Value) (*http.Response, error) {
	out := m.Func.Call(in)
	resp, _ := out[0].Interface().(*http.Response)
	err, _ := out[1].Interface().(error)
	return resp, err
}

// normalizeName folds an operationId or a Go name to lower-case letters and
// digits, as oapi-codegen's names and the specs' operationIds meet there.
func normalizeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// responseMethod is a ...WithResponse method of *ClientWithResponses without
// a typed body: <Op>WithResponse or <Op>WithBodyWithResponse.
type responseMethod struct {
	reflect.Method
	op string
	// path, params, contentType and body are indexes in Type.In, as in method.
	path                      []int
	params, contentType, body int
}

// responseMethods lists the ...WithResponse methods of the
// *ClientWithResponses c that take no typed body, sorted by name.
func responseMethods(c any) []responseMethod {
	t := reflect.TypeOf(c)
	var out []responseMethod
	for i := range t.NumMethod() {
		m := t.Method(i)
		ft := m.Type
		if !strings.HasSuffix(m.Name, "WithResponse") || ft.NumIn() < 3 || ft.In(1) != ctxType || !ft.IsVariadic() || ft.NumOut() != 2 {
			continue
		}
		rm := responseMethod{Method: m, op: strings.TrimSuffix(m.Name, "WithResponse")}
		last := ft.NumIn() - 2
		if ft.In(last) == readerType {
			rm.body, rm.contentType = last, last-1
			rm.op = strings.TrimSuffix(rm.op, "WithBody")
			last -= 2
		} else if typedWithResponse(t, rm.op) {
			continue
		}
		if last >= 2 && isParams(ft.In(last)) {
			rm.params = last
			last--
		}
		for j := 2; j <= last; j++ {
			rm.path = append(rm.path, j)
		}
		out = append(out, rm)
	}
	return out
}

// typedWithResponse reports whether <op>WithResponse takes a typed body:
// op is <Op> or <Op>With<Type>Body beside <Op>WithBodyWithResponse.
func typedWithResponse(t reflect.Type, op string) bool {
	if _, ok := t.MethodByName(op + "WithBodyWithResponse"); ok {
		return true
	}
	if !strings.HasSuffix(op, "Body") {
		return false
	}
	for i := strings.LastIndex(op, "With"); i > 0; i = strings.LastIndex(op[:i], "With") {
		if _, ok := t.MethodByName(op[:i] + "WithBodyWithResponse"); ok {
			return true
		}
	}
	return false
}

// call calls m with "x" for string path parameters, zero values for the
// others, nil params and an empty JSON body, and returns the response
// struct (a pointer) and the error.
func (m responseMethod) call(ctx context.Context, c any) (reflect.Value, error) {
	ft := m.Type
	in := make([]reflect.Value, ft.NumIn()-1)
	in[0], in[1] = reflect.ValueOf(c), reflect.ValueOf(ctx)
	for i := 2; i < len(in); i++ {
		in[i] = reflect.Zero(ft.In(i))
	}
	for _, i := range m.path {
		if ft.In(i).Kind() == reflect.String {
			v := reflect.New(ft.In(i)).Elem()
			v.SetString("x")
			in[i] = v
		}
	}
	if m.body != 0 {
		in[m.contentType] = reflect.ValueOf("application/json")
		in[m.body] = reflect.ValueOf(strings.NewReader("{}"))
	}
	out := m.Func.Call(in)
	err, _ := out[1].Interface().(error)
	return out[0], err
}
