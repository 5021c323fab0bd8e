package store

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

func user(name string, extra map[string]any) map[string]any {
	u := map[string]any{"schemas": []string{userSchema}, "userName": name}
	for k, v := range extra {
		u[k] = v
	}
	return u
}

func wantSCIMError(t *testing.T, r reply, status int, scimType string) {
	t.Helper()
	r.want(t, status)
	m := r.obj(t)
	if get(m, "status") != fmt.Sprint(status) || get(m, "schemas", 0) != errorSchema || get(m, "detail") == "" {
		t.Fatalf("not a SCIM error body: %s", r.body)
	}
	if got, _ := m["scimType"].(string); got != scimType {
		t.Fatalf("scimType %q, want %q: %s", got, scimType, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != scimMediaType {
		t.Fatalf("Content-Type %q", ct)
	}
}

func TestSCIMUserLifecycle(t *testing.T) {
	s := NewSCIM()
	a := scimAPI(t, s, "scimusers")

	created := a.do("POST", "/Users", user("alice", map[string]any{"password": "pw-1", "name": map[string]any{"givenName": "Alice"}})).want(t, 201)
	u := created.obj(t)
	id := u["id"].(string)
	if id != "00000000-0000-4000-8000-000000000001" {
		t.Fatalf("id %q is not the first counter id", id)
	}
	loc := "https://api.asgardeo.io/t/acme/scim2/Users/" + id
	if get(u, "meta", "location") != loc || created.header.Get("Location") != loc {
		t.Fatalf("location %v / %q, want %s", get(u, "meta", "location"), created.header.Get("Location"), loc)
	}
	for _, k := range []string{"created", "lastModified", "version"} {
		if get(u, "meta", k) == nil {
			t.Fatalf("meta.%s missing: %s", k, created.body)
		}
	}
	if get(u, "meta", "resourceType") != "User" || created.header.Get("ETag") != get(u, "meta", "version") {
		t.Fatalf("meta %v, ETag %q", u["meta"], created.header.Get("ETag"))
	}
	if _, ok := u["password"]; ok {
		t.Fatal("the write-only password was returned")
	}
	if ct := created.header.Get("Content-Type"); ct != scimMediaType {
		t.Fatalf("Content-Type %q", ct)
	}

	wantSCIMError(t, a.do("POST", "/Users", user("ALICE", nil)), 409, "uniqueness")
	wantSCIMError(t, a.do("POST", "/Users", map[string]any{"schemas": []string{userSchema}}), 400, "invalidValue")
	if got := a.do("GET", "/Users/"+id, nil).want(t, 200).obj(t); get(got, "name", "givenName") != "Alice" {
		t.Fatalf("get: %v", got)
	}
	wantSCIMError(t, a.do("GET", "/Users/nope", nil), 404, "")

	put := a.do("PUT", "/Users/"+id, user("alice", map[string]any{"displayName": "A", "id": "ignored"})).want(t, 200).obj(t)
	if put["id"] != id || put["displayName"] != "A" || put["name"] != nil {
		t.Fatalf("put replaced wrongly: %v", put)
	}
	if get(put, "meta", "version") == get(u, "meta", "version") {
		t.Fatal("version did not change on PUT")
	}
	bob := a.do("POST", "/Users", user("bob", nil)).want(t, 201).obj(t)
	// RFC 7644 §3.3 makes a clash on PUT 409 uniqueness too; the fixed spec
	// declares no 409 for PUT, so this one goes to the store directly.
	wantSCIMError(t, a.send(Request{Method: "PUT", Path: "/Users/" + bob["id"].(string), Body: []byte(`{"userName":"Alice"}`)}, true), 409, "uniqueness")

	a.do("DELETE", "/Users/"+id, nil).want(t, 204)
	wantSCIMError(t, a.do("GET", "/Users/"+id, nil), 404, "")
	wantSCIMError(t, a.do("DELETE", "/Users/"+id, nil), 404, "")
	// The name is free again.
	a.do("POST", "/Users", user("alice", nil)).want(t, 201)
}

// seedUsers stores users with varied attributes for filter tests.
func seedUsers(t *testing.T, a *api) map[string]string {
	ids := map[string]string{}
	for _, u := range []map[string]any{
		user("alice@example.com", map[string]any{"name": map[string]any{"givenName": "Alice", "familyName": "Smith"}, "active": true,
			"emails": []any{map[string]any{"value": "alice@work.com", "type": "work"}, map[string]any{"value": "alice@home.org", "type": "home"}},
			"title":  "Engineer", "externalId": "EXT-1",
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{"employeeNumber": "701"}}),
		user("bob@example.com", map[string]any{"name": map[string]any{"givenName": "Bob", "familyName": "Jones"}, "active": false,
			"emails": []any{map[string]any{"value": "bob@work.com", "type": "work"}}}),
		user("carol@other.net", map[string]any{"name": map[string]any{"givenName": "Carol", "familyName": "Smithers"}, "active": true, "title": "Manager"}),
		user("dave@other.net", map[string]any{"displayName": `Dave "D" Q`}),
	} {
		m := a.do("POST", "/Users", u).want(t, 201).obj(t)
		ids[u["userName"].(string)] = m["id"].(string)
	}
	return ids
}

func userNames(t *testing.T, r reply) []string {
	t.Helper()
	var out []string
	for _, res := range get(r.obj(t), "Resources").([]any) {
		out = append(out, get(res, "userName").(string))
	}
	return out
}

func TestSCIMFilter(t *testing.T) {
	s := NewSCIM()
	a := scimAPI(t, s, "scimusers")
	seedUsers(t, a)
	all := []string{"alice@example.com", "bob@example.com", "carol@other.net", "dave@other.net"}
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{`userName eq "alice@example.com"`, all[:1]},
		{`USERNAME EQ "ALICE@EXAMPLE.COM"`, all[:1]},
		{`userName ne "alice@example.com"`, all[1:]},
		{`userName co "other"`, all[2:]},
		{`userName sw "b"`, all[1:2]},
		{`userName ew ".net"`, all[2:]},
		{`title pr`, []string{all[0], all[2]}},
		{`not (title pr)`, []string{all[1], all[3]}},
		{`userName gt "bob@example.com"`, all[2:]},
		{`userName ge "bob@example.com"`, all[1:]},
		{`userName lt "bob@example.com"`, all[:1]},
		{`userName le "bob@example.com"`, all[:2]},
		{`name.givenName eq "carol"`, all[2:3]},
		{`name.familyName sw "smith"`, []string{all[0], all[2]}},
		{`emails.value ew "@work.com"`, all[:2]},
		{`emails co "home.org"`, all[:1]},
		{`emails[type eq "work" and value sw "bob"]`, all[1:2]},
		{`emails[type eq "home"]`, all[:1]},
		{`active eq true`, []string{all[0], all[2]}},
		{`active eq false`, all[1:2]},
		{`active eq true and title eq "manager"`, all[2:3]},
		{`userName sw "a" or userName sw "d"`, []string{all[0], all[3]}},
		{`(userName sw "a" or userName sw "b") and active eq true`, all[:1]},
		{`externalId eq "EXT-1"`, all[:1]},
		{`externalId eq "ext-1"`, nil}, // externalId is caseExact
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701"`, all[:1]},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob@example.com"`, all[1:2]},
		{`meta.resourceType eq "User"`, all},
		{`meta.created pr`, all},
		{`displayName eq "Dave \"D\" Q"`, all[3:]},
		{`nosuch eq "x"`, nil},
		{`id eq "00000000-0000-4000-8000-000000000002"`, all[1:2]},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			got := userNames(t, a.do("GET", "/Users"+q("filter", tc.filter), nil).want(t, 200))
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSCIMFilterInvalid(t *testing.T) {
	s := NewSCIM()
	a := scimAPI(t, s, "scimusers")
	seedUsers(t, a)
	for _, f := range []string{
		`userName`,
		`userName xx "a"`,
		`userName eq`,
		`(userName eq "a"`,
		`active gt true`,
		`userName co 5`,
		`emails[type eq "work"].value eq "x"`,
		strings.Repeat("(", 40) + `a eq "b"` + strings.Repeat(")", 40),
		`a eq "` + strings.Repeat("x", 5000) + `"`,
	} {
		t.Run(f[:min(len(f), 40)], func(t *testing.T) {
			wantSCIMError(t, a.do("GET", "/Users"+q("filter", f), nil), 400, "invalidFilter")
		})
	}
}

func TestSCIMPaging(t *testing.T) {
	s := NewSCIM()
	a := scimAPI(t, s, "scimusers")
	for i := range 7 {
		a.do("POST", "/Users", user(fmt.Sprintf("u%d", i), nil)).want(t, 201)
	}
	for _, tc := range []struct {
		query             string
		total, start, per int
		first             string
	}{
		{q(), 7, 1, 7, "u0"},
		{q("startIndex", "1", "count", "3"), 7, 1, 3, "u0"},
		{q("startIndex", "4", "count", "3"), 7, 4, 3, "u3"},
		{q("startIndex", "7", "count", "3"), 7, 7, 1, "u6"},
		{q("startIndex", "8", "count", "3"), 7, 8, 0, ""},
		{q("startIndex", "0", "count", "2"), 7, 1, 2, "u0"},
		{q("count", "0"), 7, 1, 0, ""},
		{q("filter", `userName sw "u"`, "startIndex", "2", "count", "2"), 7, 2, 2, "u1"},
		{q("sortBy", "userName", "sortOrder", "descending", "count", "1"), 7, 1, 1, "u6"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			m := a.do("GET", "/Users"+tc.query, nil).want(t, 200).obj(t)
			if get(m, "schemas", 0) != listSchema {
				t.Fatalf("schemas %v", m["schemas"])
			}
			if m["totalResults"] != float64(tc.total) || m["startIndex"] != float64(tc.start) || m["itemsPerPage"] != float64(tc.per) {
				t.Fatalf("total %v start %v per %v, want %d %d %d", m["totalResults"], m["startIndex"], m["itemsPerPage"], tc.total, tc.start, tc.per)
			}
			if n := len(m["Resources"].([]any)); n != tc.per {
				t.Fatalf("%d resources, want %d", n, tc.per)
			}
			if tc.first != "" && get(m, "Resources", 0, "userName") != tc.first {
				t.Fatalf("first %v, want %s", get(m, "Resources", 0, "userName"), tc.first)
			}
		})
	}
	// count is capped at 100 (Asgardeo's threshold).
	for i := 7; i < 105; i++ {
		a.do("POST", "/Users", user(fmt.Sprintf("u%d", i), nil)).want(t, 201)
	}
	if m := a.do("GET", "/Users"+q("count", "500"), nil).want(t, 200).obj(t); m["itemsPerPage"] != float64(100) || m["totalResults"] != float64(105) {
		t.Fatalf("capped page: per %v total %v", m["itemsPerPage"], m["totalResults"])
	}
}

func TestSCIMSearch(t *testing.T) {
	s := NewSCIM()
	a := scimAPI(t, s, "scimusers")
	seedUsers(t, a)
	r := a.do("POST", "/Users/.search", map[string]any{"schemas": []string{searchSchema}, "filter": `userName ew "other.net"`,
		"startIndex": 1, "count": 1, "attributes": []string{"userName"}}).want(t, 200)
	m := r.obj(t)
	if m["totalResults"] != float64(2) || m["itemsPerPage"] != float64(1) || get(m, "Resources", 0, "userName") != "carol@other.net" {
		t.Fatalf("search: %s", r.body)
	}
	if get(m, "Resources", 0, "name") != nil || get(m, "Resources", 0, "id") == nil {
		t.Fatalf("attributes not applied: %s", r.body)
	}
	wantSCIMError(t, a.do("POST", "/Users/.search", map[string]any{"filter": `bad filter`}), 400, "invalidFilter")
}

func TestSCIMAttributes(t *testing.T) {
	s := NewSCIM()
	a := scimAPI(t, s, "scimusers")
	ids := seedUsers(t, a)
	id := ids["alice@example.com"]
	m := a.do("GET", "/Users/"+id+q("attributes", "userName,name.givenName"), nil).want(t, 200).obj(t)
	if m["userName"] == nil || get(m, "name", "givenName") != "Alice" || get(m, "name", "familyName") != nil || m["emails"] != nil || m["id"] != id || m["meta"] == nil {
		t.Fatalf("attributes: %v", m)
	}
	m = a.do("GET", "/Users/"+id+q("excludedAttributes", "emails,name.familyName,id"), nil).want(t, 200).obj(t)
	if m["emails"] != nil || get(m, "name", "familyName") != nil || get(m, "name", "givenName") != "Alice" || m["id"] != id {
		t.Fatalf("excludedAttributes: %v", m)
	}
	m = a.do("GET", "/Users/"+id+q("attributes", "emails.value,emails.type"), nil).want(t, 200).obj(t)
	if get(m, "emails", 1, "value") != "alice@home.org" || get(m, "emails", 1, "type") != "home" || len(get(m, "emails", 0).(map[string]any)) != 2 || m["userName"] != nil {
		t.Fatalf("multi-valued sub-attributes: %v", m)
	}
	l := a.do("GET", "/Users"+q("attributes", "title"), nil).want(t, 200).obj(t)
	if get(l, "Resources", 0, "userName") != nil || get(l, "Resources", 0, "title") != "Engineer" {
		t.Fatalf("list attributes: %v", l)
	}
}

func TestSCIMIfMatch(t *testing.T) {
	s := NewSCIM()
	a := scimAPI(t, s, "scimusers")
	u := a.do("POST", "/Users", user("x", nil)).want(t, 201)
	id, tag := u.obj(t)["id"].(string), u.header.Get("ETag")
	r := a.send(Request{Method: "PUT", Path: "/Users/" + id, Header: http.Header{"If-Match": {`W/"999"`}}, Body: []byte(`{"userName":"y"}`)}, false)
	wantSCIMError(t, r, 412, "")
	a.send(Request{Method: "DELETE", Path: "/Users/" + id, Header: http.Header{"If-Match": {`W/"999"`}}}, false).want(t, 412)
	a.send(Request{Method: "PUT", Path: "/Users/" + id, Header: http.Header{"If-Match": {tag}}, Body: []byte(`{"userName":"y"}`)}, false).want(t, 200)
	a.send(Request{Method: "DELETE", Path: "/Users/" + id, Header: http.Header{"If-Match": {"*"}}}, false).want(t, 204)
}

func TestSCIMNotServed(t *testing.T) {
	s := NewSCIM()
	for _, r := range []Request{
		{Method: "GET", Path: "/Me"},
		{Method: "GET", Path: "/Roles"},
		{Method: "GET", Path: "/Users/.search"},
		{Method: "POST", Path: "/Users/abc"},
		{Method: "GET", Path: "/Users/a/b"},
		{Method: "GET", Path: "/Users/"},
		{Method: "GET", Path: ""},
	} {
		if resp, ok := s.Serve(r); ok {
			t.Errorf("%s %q served: %d", r.Method, r.Path, resp.Status)
		}
	}
}

func TestSCIMBounds(t *testing.T) {
	s := NewSCIM()
	r, ok := s.Serve(Request{Method: "POST", Path: "/Users", Body: make([]byte, MaxBodySize+1)})
	if !ok || r.Status != 413 || !strings.Contains(string(r.Body), "larger than") {
		t.Fatalf("big body: %v %d %s", ok, r.Status, r.Body)
	}
	s.max = 2
	for i := range 3 {
		r, _ := s.Serve(Request{Method: "POST", Path: "/Users", Body: fmt.Appendf(nil, `{"userName":"u%d"}`, i)})
		if want := []int{201, 201, 400}[i]; r.Status != want {
			t.Fatalf("user %d: %d, want %d: %s", i, r.Status, want, r.Body)
		}
	}
	// Bytes: a resource grown by PATCH past MaxBodySize, and a store past
	// its total, are refused; deleting frees the space.
	s = NewSCIM()
	s.Serve(Request{Method: "POST", Path: "/Users", Body: []byte(`{"userName":"grow"}`)})
	chunk := strings.Repeat("x", MaxBodySize/3)
	var last Response
	for i := range 4 {
		last, _ = s.Serve(Request{Method: "PATCH", Path: "/Users/00000000-0000-4000-8000-000000000001",
			Body: fmt.Appendf(nil, `{"Operations":[{"op":"add","path":"emails","value":[{"value":"%d%s"}]}]}`, i, chunk)})
	}
	if last.Status != 413 || !strings.Contains(string(last.Body), "larger than the test store keeps") {
		t.Fatalf("growing PATCH: %d %.200s", last.Status, last.Body)
	}
	if n := s.bytes.used; n > MaxBodySize || n < 2*MaxBodySize/3 {
		t.Fatalf("accounted %d bytes for one user of about two chunks", n)
	}
	s = NewSCIM()
	s.bytes.max = 100
	r, _ = s.Serve(Request{Method: "POST", Path: "/Users", Body: []byte(`{"userName":"a","title":"` + strings.Repeat("t", 40) + `"}`)})
	r2, _ := s.Serve(Request{Method: "POST", Path: "/Users", Body: []byte(`{"userName":"b","title":"` + strings.Repeat("t", 40) + `"}`)})
	if r.Status != 201 || r2.Status != 413 || !strings.Contains(string(r2.Body), "maximum of 100 bytes") {
		t.Fatalf("total cap: %d, then %d %s", r.Status, r2.Status, r2.Body)
	}
	s.Serve(Request{Method: "DELETE", Path: "/Users/00000000-0000-4000-8000-000000000001"})
	if r2, _ = s.Serve(Request{Method: "POST", Path: "/Users", Body: []byte(`{"userName":"b"}`)}); r2.Status != 201 || s.bytes.used == 0 {
		t.Fatalf("after a delete: %d %s (used %d)", r2.Status, r2.Body, s.bytes.used)
	}
	for _, body := range []string{``, `[]`, `{"userName":"a"} {}`, `{"userName":5}`, `{"userName":"z","schemas":"x"}`} {
		r, _ := NewSCIM().Serve(Request{Method: "POST", Path: "/Users", Body: []byte(body)})
		if r.Status != 400 {
			t.Errorf("body %q: %d %s", body, r.Status, r.Body)
		}
	}
}

func TestSCIMConcurrent(t *testing.T) {
	s := NewSCIM()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				s.Serve(Request{Method: "POST", Path: "/Users", Body: fmt.Appendf(nil, `{"userName":"g%d-%d"}`, g, i)})
				s.Serve(Request{Method: "GET", Path: "/Users", Query: map[string][]string{"filter": {`userName sw "g"`}}})
			}
		})
	}
	wg.Wait()
	r, _ := s.Serve(Request{Method: "GET", Path: "/Users", Query: map[string][]string{"count": {"0"}}})
	if !strings.Contains(string(r.Body), `"totalResults":100`) {
		t.Fatalf("after 100 concurrent creations: %s", r.Body)
	}
	if len(s.users.byID) != 100 || s.seq != 100 {
		t.Fatalf("%d users, seq %d", len(s.users.byID), s.seq)
	}
}
