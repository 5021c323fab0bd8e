package wiretest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
)

// capture is a server that keeps the body and content type of the last
// request.
type capture struct {
	mu          sync.Mutex
	body        []byte
	contentType string
	n           int
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.body, c.contentType = b, r.Header.Get("Content-Type")
	c.n++
	c.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (c *capture) take() (body []byte, contentType string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	body, contentType, n = c.body, c.contentType, c.n
	c.body, c.contentType, c.n = nil, "", 0
	return
}

// jsonEqual reports whether a and b are the same JSON value (members in any
// order, numbers compared by their text).
func jsonEqual(a, b []byte) bool {
	va, erra := decodeJSON(a)
	vb, errb := decodeJSON(b)
	return erra == nil && errb == nil && reflect.DeepEqual(va, vb)
}

func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

// TestTypedBodiesReachTheWire sends, for every operation of every generated
// package with a JSON request body, a schema-valid body (the one the
// contract suites send: the spec's example or a value synthesized from the
// schema) through the typed method: decoded into the typed request body,
// passed to <Op>(ctx, ..., body), and captured at the server. The bytes
// received must be the same JSON value as the intended body.
func TestTypedBodiesReachTheWire(t *testing.T) {
	for _, a := range apis() {
		t.Run(a.name, func(t *testing.T) {
			bodies, err := contracttest.JSONBodies(a.name)
			if err != nil {
				t.Fatal(err)
			}
			cp := &capture{}
			srv := httptest.NewServer(cp)
			defer srv.Close()
			c, err := a.client(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			typed := map[string]method{}
			for _, m := range methods(c) {
				// The JSON body's method: <Op> (application/json) or, when
				// the operation has no application/json body, <Op>With...JSONBody.
				if !m.typed {
					continue
				}
				k := normalizeName(m.op)
				if prev, dup := typed[k]; !dup || bodyRank(m) > bodyRank(prev) {
					typed[k] = m
				}
			}
			var skipped, rewritten, emptyIntended []string
			covered := 0
			for _, b := range bodies {
				if b.Skip != "" {
					skipped = append(skipped, fmt.Sprintf("%s (%s)", b.Operation, b.Skip))
					continue
				}
				m, ok := typed[normalizeName(b.ID)]
				if !ok {
					t.Errorf("%s (%s): no typed-body method %s", b.Operation, b.ID, b.ID)
					continue
				}
				bt := m.Type.In(m.body)
				v := reflect.New(bt)
				if err := json.Unmarshal(b.JSON, v.Interface()); err != nil {
					t.Errorf("%s: the schema-valid body does not decode into %s: %v\n%s", m.Name, bt, err, b.JSON)
					continue
				}
				path := make([]string, len(m.path))
				for k := range path {
					path[k] = fmt.Sprintf("p%d", k)
				}
				if _, err := m.call(m.args(t.Context(), c, path, "", v.Elem())); err != nil {
					t.Errorf("%s: %v", m.Name, err)
					continue
				}
				got, ct, n := cp.take()
				if n != 1 {
					t.Errorf("%s: server saw %d requests, want 1", m.Name, n)
					continue
				}
				if !strings.Contains(ct, "json") {
					t.Errorf("%s: sent Content-Type %q, want JSON", m.Name, ct)
				}
				if a.equivalent != nil && !jsonEqual(got, b.JSON) && a.equivalent(got, b.JSON) {
					rewritten = append(rewritten, m.Name)
				} else if !jsonEqual(got, b.JSON) {
					t.Errorf("%s (%s): the server received\n\t%s\nwant the same JSON as\n\t%s", m.Name, b.Operation, got, b.JSON)
					continue
				}
				if jsonEqual(b.JSON, []byte("{}")) {
					emptyIntended = append(emptyIntended, m.Name)
				} else if jsonEqual([]byte("{}"), b.JSON) {
					t.Fatalf("jsonEqual cannot tell {} from %s", b.JSON)
				}
				covered++
			}
			line := fmt.Sprintf("write path %s: %d/%d operations with a JSON request body sent as meant", a.name, covered, len(bodies))
			if len(emptyIntended) > 0 {
				line += fmt.Sprintf("; %d with {} as the only body derivable from the schema: %s", len(emptyIntended), strings.Join(emptyIntended, ", "))
			}
			if len(rewritten) > 0 {
				line += fmt.Sprintf("; %d in the documented canonical form (%s): %s", len(rewritten), a.equivalentWhy, strings.Join(rewritten, ", "))
			}
			if len(skipped) > 0 {
				line += "; no valid body derivable: " + strings.Join(skipped, ", ")
			}
			t.Log(line)
			checkCatchesDefinedType(t, a.name, bodies)
			if covered == 0 && len(bodies) > 0 {
				t.Fatal("no operation covered")
			}
		})
	}
}

// definedTypeEncoding returns, for the operation whose request body
// oapi-codegen declared as a defined type over a union (auth0
// PostEventStreams; scimusers CreateUser was the other until the SCIM
// overlay made its body the plain UserObject), the operation and an
// encoder that goes through such a defined type (as the typed method did
// before the pipeline's alias-request-bodies rewrite): the union's MarshalJSON is
// lost and the body encodes as {}.
func definedTypeEncoding(api string) (op string, encode func([]byte) ([]byte, error)) {
	switch api {
	case "auth0":
		type defined auth0.PostEventStreamsJSONBody
		return "post_event-streams", func(b []byte) ([]byte, error) {
			var v auth0.PostEventStreamsJSONRequestBody
			if err := json.Unmarshal(b, &v); err != nil {
				return nil, err
			}
			return json.Marshal(defined(v))
		}
	}
	return "", nil
}

// checkCatchesDefinedType shows that the comparison of
// TestTypedBodiesReachTheWire fails on what the defined request body type
// sent: {}.
func checkCatchesDefinedType(t *testing.T, api string, bodies []contracttest.JSONBody) {
	op, encode := definedTypeEncoding(api)
	if encode == nil {
		return
	}
	for _, b := range bodies {
		if b.ID != op || b.Skip != "" {
			continue
		}
		old, err := encode(b.JSON)
		if err != nil {
			t.Fatal(err)
		}
		if string(old) != "{}" {
			t.Errorf("%s %s: the defined type encodes as %s; the regression guarded against is {}", api, op, old)
		}
		if jsonEqual(old, b.JSON) {
			t.Errorf("%s %s: the write-path comparison accepts %s for %s", api, op, old, b.JSON)
		}
		t.Logf("negative check %s %s: the defined type would send %s, which the comparison rejects", api, op, old)
		return
	}
	t.Errorf("%s: no body for %s", api, op)
}

// bodyRank orders the typed-body methods of one operation: the
// application/json one (<Op>) first, then other JSON media types.
func bodyRank(m method) int {
	switch {
	case m.Name == m.op:
		return 2
	case strings.Contains(m.Name[len(m.op):], "JSON"):
		return 1
	}
	return 0
}

// scimValueEquivalent reports whether got equals want where every bare
// string s in an array of want may be {"value": s} in got: scim.Value (the
// type of SCIM multi-valued attributes, see specs/scim.overlay.yaml) reads
// both forms and always writes the RFC 7643 object form.
func scimValueEquivalent(got, want []byte) bool {
	g, err1 := decodeJSON(got)
	w, err2 := decodeJSON(want)
	return err1 == nil && err2 == nil && scimEqual(g, w, false)
}

func scimEqual(g, w any, inArray bool) bool {
	switch w := w.(type) {
	case string:
		if obj, ok := g.(map[string]any); ok && inArray {
			return len(obj) == 1 && obj["value"] == w
		}
	case []any:
		ga, ok := g.([]any)
		if !ok || len(ga) != len(w) {
			return false
		}
		for i := range w {
			if !scimEqual(ga[i], w[i], true) {
				return false
			}
		}
		return true
	case map[string]any:
		gm, ok := g.(map[string]any)
		if !ok || len(gm) != len(w) {
			return false
		}
		for k, x := range w {
			if y, ok := gm[k]; !ok || !scimEqual(y, x, false) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(g, w)
}
