package store

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

var fuzzMethods = [...]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}

// checkResponse holds for every answer: a real status, and a JSON body
// with a Content-Type whenever there is a body.
func checkResponse(t *testing.T, r Request, resp Response, ok bool) {
	if !ok {
		return
	}
	if resp.Status < 200 || resp.Status > 599 {
		t.Fatalf("%s %q: status %d", r.Method, r.Path, resp.Status)
	}
	if len(resp.Body) == 0 {
		if resp.Status != http.StatusNoContent {
			t.Fatalf("%s %q: %d without a body", r.Method, r.Path, resp.Status)
		}
		return
	}
	if resp.Header.Get("Content-Type") == "" || !json.Valid(resp.Body) {
		t.Fatalf("%s %q: %d body is not JSON with a Content-Type: %q", r.Method, r.Path, resp.Status, resp.Body)
	}
}

// fuzzRequest builds a request; a query that does not parse is kept as one
// raw filter or q value, so filters and queries are fuzzed either way.
func fuzzRequest(m uint8, path, rawQuery, param string, body []byte) Request {
	qv, err := url.ParseQuery(rawQuery)
	if err != nil {
		qv = url.Values{param: {rawQuery}}
	}
	return Request{Method: fuzzMethods[int(m)%len(fuzzMethods)], Path: path, Query: qv,
		Header: http.Header{"If-Match": {`W/"2"`}}, Body: body, Base: "https://h/t/o/scim2"}
}

func FuzzSCIMServe(f *testing.F) {
	f.Add(uint8(0), "/Users", `filter=userName eq "a"`, []byte(nil))
	f.Add(uint8(3), "/Users/00000000-0000-4000-8000-000000000001", "",
		[]byte(`{"Operations":[{"op":"replace","path":"emails[type eq \"work\"].value","value":"x"}]}`))
	f.Add(uint8(3), "/Groups/00000000-0000-4000-8000-000000000002", "",
		[]byte(`{"Operations":[{"op":"remove","path":"members[value eq \"00000000-0000-4000-8000-000000000001\"]"}]}`))
	f.Add(uint8(1), "/Users/.search", "", []byte(`{"filter":"not (emails[type eq \"work\"])","count":1}`))
	f.Fuzz(func(t *testing.T, m uint8, path, rawQuery string, body []byte) {
		s := NewSCIM()
		s.Serve(Request{Method: "POST", Path: "/Users", Body: []byte(`{"userName":"a","emails":[{"value":"a@x","type":"work"}],"name":{"givenName":"A"}}`)})
		s.Serve(Request{Method: "POST", Path: "/Groups", Body: []byte(`{"displayName":"g","members":[{"value":"00000000-0000-4000-8000-000000000001"}]}`)})
		r := fuzzRequest(m, path, rawQuery, "filter", body)
		resp, ok := s.Serve(r)
		checkResponse(t, r, resp, ok)
		// The store still answers sensibly afterwards.
		for _, p := range []string{"/Users", "/Groups"} {
			after := Request{Method: "GET", Path: p, Query: url.Values{"filter": {`id pr`}}}
			resp, ok := s.Serve(after)
			if !ok || resp.Status != 200 {
				t.Fatalf("GET %s after the fuzzed request: %v %d %s", p, ok, resp.Status, resp.Body)
			}
		}
	})
}

func FuzzAuth0Serve(f *testing.F) {
	f.Add(uint8(0), "/users", `q=email:"a@x" AND app_metadata.plan:pro&sort=email:1&include_totals=true`, []byte(nil))
	f.Add(uint8(3), "/users/auth0%7C000000000000000000000001", "", []byte(`{"app_metadata":{"plan":null},"email":"b@x"}`))
	f.Add(uint8(0), "/clients", "from=x&take=2", []byte(nil))
	f.Add(uint8(1), "/clients", "", []byte(`{"name":"n","app_type":"spa"}`))
	f.Fuzz(func(t *testing.T, m uint8, path, rawQuery string, body []byte) {
		a := NewAuth0()
		a.Serve(Request{Method: "POST", Path: "/users", Body: []byte(`{"connection":"db","email":"a@x","app_metadata":{"plan":"pro"}}`)})
		a.Serve(Request{Method: "POST", Path: "/clients", Body: []byte(`{"name":"c"}`)})
		r := fuzzRequest(m, path, rawQuery, "q", body)
		resp, ok := a.Serve(r)
		checkResponse(t, r, resp, ok)
		for _, p := range []string{"/users", "/clients"} {
			resp, ok := a.Serve(Request{Method: "GET", Path: p, Query: url.Values{"include_totals": {"true"}}})
			if !ok || resp.Status != 200 {
				t.Fatalf("GET %s after the fuzzed request: %v %d %s", p, ok, resp.Status, resp.Body)
			}
		}
	})
}
