package store

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

func wantAuth0Error(t *testing.T, r reply, status int, message, code string) {
	t.Helper()
	r.want(t, status)
	m := r.obj(t)
	if m["statusCode"] != float64(status) || m["error"] == "" || m["errorCode"] != code {
		t.Fatalf("not Auth0's error body with %s: %s", code, r.body)
	}
	if msg, _ := m["message"].(string); !strings.Contains(msg, message) {
		t.Fatalf("message %q does not say %q", msg, message)
	}
}

func serveReply(st Store, r Request) reply {
	resp, _ := st.Serve(r)
	return reply{status: resp.Status, header: resp.Header, body: resp.Body}
}

func TestAuth0UserLifecycle(t *testing.T) {
	s := NewAuth0()
	a := auth0API(t, s)
	conn := "Username-Password-Authentication"
	created := a.do("POST", "/users", map[string]any{"connection": conn, "email": "ann@example.com", "password": "Secret-1!",
		"app_metadata": map[string]any{"plan": "free", "tier": 1, "keep": "yes"}, "user_metadata": map[string]any{"lang": "en"}}).want(t, 201).obj(t)
	id := created["user_id"].(string)
	if id != "auth0|000000000000000000000001" {
		t.Fatalf("user_id %q", id)
	}
	if created["password"] != nil || created["connection"] != nil {
		t.Fatalf("write-only members returned: %v", created)
	}
	if get(created, "identities", 0, "connection") != conn || get(created, "identities", 0, "provider") != "auth0" ||
		get(created, "identities", 0, "user_id") != "000000000000000000000001" || created["created_at"] == nil ||
		created["updated_at"] == nil || created["email_verified"] != false || created["nickname"] != "ann" || created["name"] != "ann@example.com" {
		t.Fatalf("created user: %v", created)
	}
	dup := a.send(Request{Method: "POST", Path: "/users", Body: []byte(`{"connection":"` + conn + `","email":"ANN@example.com"}`)}, false)
	wantAuth0Error(t, dup, 409, "The user already exists.", "auth0_idp_error")
	// Another connection may hold the same email.
	other := a.do("POST", "/users", map[string]any{"connection": "other-db", "email": "ann@example.com"}).want(t, 201).obj(t)
	wantAuth0Error(t, a.send(Request{Method: "POST", Path: "/users", Body: []byte(`{"email":"x@y.z"}`)}, false), 400, "connection", "invalid_body")

	if got := a.do("GET", "/users/"+url.PathEscape(id), nil).want(t, 200).obj(t); got["email"] != "ann@example.com" {
		t.Fatalf("get: %v", got)
	}
	if got := a.do("GET", "/users/"+url.PathEscape(id)+q("fields", "email,user_id"), nil).want(t, 200).obj(t); len(got) != 2 || got["email"] == nil {
		t.Fatalf("fields: %v", got)
	}
	wantAuth0Error(t, a.send(Request{Method: "GET", Path: "/users/auth0%7Cnope"}, false), 404, "The user does not exist.", "inexistent_user")

	// PATCH: top level replaced, metadata merged one level, null removes.
	p := a.do("PATCH", "/users/"+url.PathEscape(id), map[string]any{"given_name": "Ann", "app_metadata": map[string]any{"plan": "pro", "tier": nil, "roles": []string{"a"}},
		"user_metadata": map[string]any{}}).want(t, 200).obj(t)
	if p["given_name"] != "Ann" || get(p, "app_metadata", "plan") != "pro" || get(p, "app_metadata", "tier") != nil || get(p, "app_metadata", "roles", 0) != "a" || p["user_metadata"] != nil {
		t.Fatalf("patched: %v", p)
	}
	if _, ok := p["app_metadata"].(map[string]any)["tier"]; ok || get(p, "app_metadata", "keep") != "yes" {
		t.Fatalf("app_metadata not merged one level with null removing: %v", p["app_metadata"])
	}
	if _, ok := p["user_metadata"]; ok {
		t.Fatalf("an empty user_metadata did not remove it: %v", p)
	}
	if p["created_at"] != created["created_at"] || p["user_id"] != id {
		t.Fatalf("patch changed identity fields: %v", p)
	}
	p = a.do("PATCH", "/users/"+url.PathEscape(id), map[string]any{"given_name": nil}).want(t, 200).obj(t)
	if _, ok := p["given_name"]; ok {
		t.Fatalf("null did not remove given_name: %v", p)
	}
	a.do("POST", "/users", map[string]any{"connection": conn, "email": "bea@example.com"}).want(t, 201)
	wantAuth0Error(t, a.send(Request{Method: "PATCH", Path: "/users/" + url.PathEscape(id), Body: []byte(`{"email":"bea@example.com"}`)}, false),
		400, "already exists", "auth0_idp_error")
	wantAuth0Error(t, a.send(Request{Method: "PATCH", Path: "/users/nope", Body: []byte(`{}`)}, false), 404, "does not exist", "inexistent_user")

	a.do("DELETE", "/users/"+url.PathEscape(id), nil).want(t, 204)
	a.do("DELETE", "/users/"+url.PathEscape(id), nil).want(t, 204)
	wantAuth0Error(t, a.send(Request{Method: "GET", Path: "/users/" + url.PathEscape(id)}, false), 404, "does not exist", "inexistent_user")
	if l := a.do("GET", "/users", nil).want(t, 200).json(t).([]any); len(l) != 2 || get(l, 0, "user_id") != other["user_id"] {
		t.Fatalf("list after delete: %v", l)
	}
}

func emails(t *testing.T, v any) []string {
	t.Helper()
	var out []string
	for _, u := range v.([]any) {
		out = append(out, get(u, "email").(string))
	}
	return out
}

func TestAuth0ListUsers(t *testing.T) {
	s := NewAuth0()
	a := auth0API(t, s)
	var all []string
	for i := range 5 {
		e := fmt.Sprintf("u%d@%s.com", i, []string{"a", "b"}[i%2])
		all = append(all, e)
		conn := "db"
		if i == 4 {
			conn = "other"
		}
		a.do("POST", "/users", map[string]any{"connection": conn, "email": e, "name": fmt.Sprintf("N%d", 9-i), "app_metadata": map[string]any{"plan": []string{"free", "pro"}[i%2]}}).want(t, 201)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{q(), all},
		{q("per_page", "2"), all[:2]},
		{q("per_page", "2", "page", "2"), all[4:]},
		{q("per_page", "2", "page", "3"), nil},
		{q("per_page", "0"), nil},
		{q("q", `email:"u1@b.com"`), all[1:2]},
		{q("q", `email:U1@B.COM`), all[1:2]},
		{q("q", `user_id:"auth0|000000000000000000000003"`), all[2:3]},
		{q("q", `email:u*`), all},
		{q("q", `email:"u*" AND app_metadata.plan:"pro"`), []string{all[1], all[3]}},
		{q("q", `identities.connection:"other"`), all[4:]},
		{q("connection", "other"), all[4:]},
		{q("q", `email:"nobody@x.com"`), nil},
		{q("sort", "name:1"), []string{all[4], all[3], all[2], all[1], all[0]}},
		{q("sort", "email:-1", "per_page", "1"), all[4:]},
	} {
		t.Run(tc.query, func(t *testing.T) {
			got := a.do("GET", "/users"+tc.query, nil).want(t, 200).json(t)
			if g := emails(t, got); !slices.Equal(g, tc.want) {
				t.Fatalf("got %v, want %v", g, tc.want)
			}
		})
	}
	m := a.do("GET", "/users"+q("include_totals", "true", "per_page", "2", "page", "1"), nil).want(t, 200).obj(t)
	if m["start"] != float64(2) || m["limit"] != float64(2) || m["length"] != float64(2) || m["total"] != float64(5) || !slices.Equal(emails(t, m["users"]), all[2:4]) {
		t.Fatalf("include_totals: %v", m)
	}
	for _, bad := range []url.Values{
		{"per_page": {"101"}},
		{"page": {"-1"}},
		{"page": {"10"}, "per_page": {"100"}},
		{"page": {"99999999999999999"}, "per_page": {"100"}},
		{"q": {`email:"a" OR email:"b"`}},
		{"q": {`email:"a" email:"b"`}},
		{"q": {`(email:"a")`}},
		{"q": {`email:"unterminated`}},
		{"q": {`email:*a`}},
		{"q": {`justtext`}},
		{"sort": {"email"}},
		{"include_totals": {"maybe"}},
	} {
		t.Run(bad.Encode(), func(t *testing.T) {
			wantAuth0Error(t, a.send(Request{Method: "GET", Path: "/users", Query: bad}, false), 400, "", "invalid_query_string")
		})
	}
}

func TestAuth0Clients(t *testing.T) {
	s := NewAuth0()
	a := auth0API(t, s)
	m2m := a.do("POST", "/clients", map[string]any{"name": "sync job", "app_type": "non_interactive"}).want(t, 201).obj(t)
	spa := a.do("POST", "/clients", map[string]any{"name": "web", "app_type": "spa"}).want(t, 201).obj(t)
	id := m2m["client_id"].(string)
	if len(id) != 32 || m2m["token_endpoint_auth_method"] != "client_secret_post" {
		t.Fatalf("m2m client: id %q, auth method %v", id, m2m["token_endpoint_auth_method"])
	}
	if secret, _ := m2m["client_secret"].(string); len(secret) < 32 {
		t.Fatal("a confidential client has no generated client_secret")
	}
	if _, ok := spa["client_secret"]; ok || spa["token_endpoint_auth_method"] != "none" {
		t.Fatalf("a public client got a secret or an auth method other than none (auth method %v)", spa["token_endpoint_auth_method"])
	}
	// Deterministic: a fresh store hands out the same id.
	again := serveReply(NewAuth0(), Request{Method: "POST", Path: "/clients", Body: []byte(`{"name":"x"}`)}).obj(t)
	if again["client_id"] != id || again["client_secret"] != m2m["client_secret"] {
		t.Fatal("client ids or secrets are not deterministic")
	}
	wantAuth0Error(t, a.send(Request{Method: "POST", Path: "/clients", Body: []byte(`{"app_type":"spa"}`)}, false), 400, "name", "invalid_body")

	for i := range 3 {
		a.do("POST", "/clients", map[string]any{"name": fmt.Sprintf("c%d", i)}).want(t, 201)
	}
	if l := a.do("GET", "/clients", nil).want(t, 200).json(t).([]any); len(l) != 5 || get(l, 0, "client_id") != id {
		t.Fatalf("plain list: %v", l)
	}
	if l := a.do("GET", "/clients"+q("app_type", "spa,native"), nil).want(t, 200).json(t).([]any); len(l) != 1 || get(l, 0, "name") != "web" {
		t.Fatalf("app_type filter: %v", l)
	}
	if l := a.do("GET", "/clients"+q("is_global", "false", "is_first_party", "true"), nil).want(t, 200).json(t).([]any); len(l) != 5 {
		t.Fatalf("is_global=false&is_first_party=true: %d clients", len(l))
	}
	if l := a.do("GET", "/clients"+q("is_global", "true"), nil).want(t, 200).json(t).([]any); len(l) != 0 {
		t.Fatalf("is_global=true: %d clients", len(l))
	}
	tot := a.do("GET", "/clients"+q("include_totals", "true", "page", "1", "per_page", "2"), nil).want(t, 200).obj(t)
	if tot["start"] != float64(2) || tot["limit"] != float64(2) || tot["total"] != float64(5) || get(tot, "clients", 0, "name") != "c0" || len(tot["clients"].([]any)) != 2 {
		t.Fatalf("include_totals: %v", tot)
	}
	// Checkpoint paging walks every client once.
	var names []string
	from := ""
	for range 10 {
		qs := q("take", "2")
		if from != "" {
			qs = q("take", "2", "from", from)
		}
		// The last page omits next, as Auth0 does ("Omitted when there are
		// no further results", node-auth0 SDK type docs); such a body
		// matches two branches of the fixed spec's oneOf, so only pages
		// with a next go through the contract transport.
		page := serveReply(s, Request{Method: "GET", Path: "/clients", Query: mustQuery(t, qs)}).want(t, 200).obj(t)
		if _, more := page["next"]; more {
			a.do("GET", "/clients"+qs, nil).want(t, 200)
		}
		for _, c := range page["clients"].([]any) {
			names = append(names, get(c, "name").(string))
		}
		next, _ := page["next"].(string)
		if next == "" {
			break
		}
		from = next
	}
	if !slices.Equal(names, []string{"sync job", "web", "c0", "c1", "c2"}) {
		t.Fatalf("checkpoint walk: %v", names)
	}
	wantAuth0Error(t, a.send(Request{Method: "GET", Path: "/clients", Query: url.Values{"take": {"101"}}}, false), 400, "take", "invalid_query_string")

	p := a.do("PATCH", "/clients/"+id, map[string]any{"description": "nightly", "callbacks": []string{"https://x/cb"}}).want(t, 200).obj(t)
	if p["description"] != "nightly" || p["name"] != "sync job" || p["client_id"] != id {
		t.Fatalf("patched: %v", p)
	}
	if g := a.do("GET", "/clients/"+id+q("fields", "name,description"), nil).want(t, 200).obj(t); len(g) != 2 || g["description"] != "nightly" {
		t.Fatalf("get with fields: %v", g)
	}
	wantAuth0Error(t, a.send(Request{Method: "GET", Path: "/clients/nope"}, false), 404, "The client does not exist", "inexistent_client")
	a.do("DELETE", "/clients/"+id, nil).want(t, 204)
	wantAuth0Error(t, a.send(Request{Method: "PATCH", Path: "/clients/" + id, Body: []byte(`{}`)}, false), 404, "does not exist", "inexistent_client")
}

func TestAuth0NotServed(t *testing.T) {
	s := NewAuth0()
	for _, r := range []Request{
		{Method: "GET", Path: "/roles"},
		{Method: "GET", Path: "/users/x/roles"},
		{Method: "PUT", Path: "/users/x"},
		{Method: "POST", Path: "/clients/x"},
		{Method: "GET", Path: "/users/"},
		{Method: "GET", Path: ""},
	} {
		if resp, ok := s.Serve(r); ok {
			t.Errorf("%s %q served: %d", r.Method, r.Path, resp.Status)
		}
	}
}

func TestAuth0Bounds(t *testing.T) {
	s := NewAuth0()
	r, ok := s.Serve(Request{Method: "POST", Path: "/users", Body: make([]byte, MaxBodySize+1)})
	if !ok || r.Status != 413 || !strings.Contains(string(r.Body), "larger than") {
		t.Fatalf("big body: %v %d %s", ok, r.Status, r.Body)
	}
	s.max = 2
	for i := range 3 {
		r, _ := s.Serve(Request{Method: "POST", Path: "/users", Body: fmt.Appendf(nil, `{"connection":"db","email":"u%d@x"}`, i)})
		if want := []int{201, 201, 400}[i]; r.Status != want {
			t.Fatalf("user %d: %d, want %d: %s", i, r.Status, want, r.Body)
		}
		r, _ = s.Serve(Request{Method: "POST", Path: "/clients", Body: fmt.Appendf(nil, `{"name":"c%d"}`, i)})
		if want := []int{201, 201, 400}[i]; r.Status != want {
			t.Fatalf("client %d: %d, want %d: %s", i, r.Status, want, r.Body)
		}
	}
	s = NewAuth0()
	s.bytes.max = 300
	r, _ = s.Serve(Request{Method: "POST", Path: "/clients", Body: []byte(`{"name":"c"}`)})
	if r.Status != 201 {
		t.Fatalf("first client: %d %s", r.Status, r.Body)
	}
	id := r.Body[strings.Index(string(r.Body), `"client_id":"`)+13:][:32]
	r, _ = s.Serve(Request{Method: "PATCH", Path: "/clients/" + string(id), Body: []byte(`{"description":"` + strings.Repeat("d", 200) + `"}`)})
	if r.Status != 413 || !strings.Contains(string(r.Body), "maximum of 300 bytes") {
		t.Fatalf("growing client: %d %s", r.Status, r.Body)
	}
	for _, body := range []string{``, `[]`, `{"connection":5}`, `{"connection":"db","email":7}`, `{} {}`} {
		r, _ := NewAuth0().Serve(Request{Method: "POST", Path: "/users", Body: []byte(body)})
		if r.Status != 400 {
			t.Errorf("body %q: %d %s", body, r.Status, r.Body)
		}
	}
}

func TestAuth0Concurrent(t *testing.T) {
	s := NewAuth0()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				s.Serve(Request{Method: "POST", Path: "/users", Body: fmt.Appendf(nil, `{"connection":"db","email":"g%d-%d@x"}`, g, i)})
				s.Serve(Request{Method: "GET", Path: "/users", Query: url.Values{"q": {`email:g*`}}})
				s.Serve(Request{Method: "POST", Path: "/clients", Body: []byte(`{"name":"c"}`)})
			}
		})
	}
	wg.Wait()
	if len(s.users) != 100 || len(s.clients) != 100 || s.userSeq != 100 {
		t.Fatalf("%d users, %d clients, seq %d", len(s.users), len(s.clients), s.userSeq)
	}
}

func mustQuery(t *testing.T, qs string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(strings.TrimPrefix(qs, "?"))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
