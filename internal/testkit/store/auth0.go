package store

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Auth0 is an in-memory Auth0 Management API v2 for users (/users) and
// applications (/clients): create, read, list with paging, totals, a small
// Lucene subset for users (q) and sorting, merge-style update and delete,
// answering with Auth0's error bodies. The zero value is not usable; call
// [NewAuth0].
type Auth0 struct {
	mu         sync.Mutex
	now        func() time.Time
	max        int
	userSeq    int
	clientSeq  int
	users      map[string]map[string]any // by user_id
	userOrder  []string
	clients    map[string]map[string]any // by client_id
	clientRank map[string]int            // client_id -> creation number, for checkpoint paging
	clientList []string
	bytes      budget
}

// NewAuth0 returns an empty Auth0 store. User ids ("auth0|" and 24 hex
// digits, the shape of Auth0's database user ids), client ids and client
// secrets come from counters, so the same requests give the same values.
func NewAuth0() *Auth0 {
	return &Auth0{
		now:        func() time.Time { return time.Now().UTC() },
		max:        MaxResources,
		users:      map[string]map[string]any{},
		clients:    map[string]map[string]any{},
		clientRank: map[string]int{},
		bytes:      newBudget(),
	}
}

// auth0Error is Auth0's error body: {"statusCode", "error", "message",
// "errorCode"} (the shape of every Management API v2 error, e.g. the 409
// "The user already exists." with errorCode auth0_idp_error).
type auth0Error struct {
	status  int
	message string
	code    string
}

func (e *auth0Error) response() Response {
	body := map[string]any{"statusCode": e.status, "error": http.StatusText(e.status), "message": e.message}
	if e.code != "" {
		body["errorCode"] = e.code
	}
	return jsonResponse(e.status, auth0MediaType, body)
}

const auth0MediaType = "application/json; charset=utf-8"

func invalidBody(format string, args ...any) *auth0Error {
	return &auth0Error{status: http.StatusBadRequest, message: "Payload validation error: " + fmt.Sprintf(format, args...), code: "invalid_body"}
}

func invalidQuery(format string, args ...any) *auth0Error {
	return &auth0Error{status: http.StatusBadRequest, message: fmt.Sprintf(format, args...), code: "invalid_query_string"}
}

// Serve answers the users and clients operations; ok is false for any other
// path or method.
func (a *Auth0) Serve(r Request) (Response, bool) {
	segs := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
	if len(segs) > 2 || (len(segs) == 2 && segs[1] == "") {
		return Response{}, false
	}
	var id string
	if len(segs) == 2 {
		var err error
		if id, err = url.PathUnescape(segs[1]); err != nil {
			return (&auth0Error{status: http.StatusBadRequest, message: "Path validation error: the id is not a valid escaped path segment.", code: "invalid_uri"}).response(), true
		}
	}
	var op func() (Response, *auth0Error)
	switch segs[0] + " " + r.Method + " " + strconv.Itoa(len(segs)) {
	case "users GET 1":
		op = func() (Response, *auth0Error) { return a.listUsers(r) }
	case "users POST 1":
		op = func() (Response, *auth0Error) { return a.createUser(r) }
	case "users GET 2":
		op = func() (Response, *auth0Error) { return a.getUser(id, r) }
	case "users PATCH 2":
		op = func() (Response, *auth0Error) { return a.updateUser(id, r) }
	case "users DELETE 2":
		op = func() (Response, *auth0Error) { return a.deleteUser(id) }
	case "clients GET 1":
		op = func() (Response, *auth0Error) { return a.listClients(r) }
	case "clients POST 1":
		op = func() (Response, *auth0Error) { return a.createClient(r) }
	case "clients GET 2":
		op = func() (Response, *auth0Error) { return a.getClient(id, r) }
	case "clients PATCH 2":
		op = func() (Response, *auth0Error) { return a.updateClient(id, r) }
	case "clients DELETE 2":
		op = func() (Response, *auth0Error) { return a.deleteClient(id) }
	default:
		return Response{}, false
	}
	if len(r.Body) > MaxBodySize {
		return (&auth0Error{status: http.StatusRequestEntityTooLarge,
			message: fmt.Sprintf("The request body is larger than the test store accepts (%d bytes).", MaxBodySize)}).response(), true
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	resp, aerr := op()
	if aerr != nil {
		return aerr.response(), true
	}
	return resp, true
}

// fit checks that v may be stored under key within the byte caps.
func (a *Auth0) fit(key string, v any) (int, *auth0Error) {
	n, err := a.bytes.fit(key, v)
	if err != nil {
		return 0, &auth0Error{status: http.StatusRequestEntityTooLarge, message: "The request was refused: " + err.Error() + "."}
	}
	return n, nil
}

// timestamp formats times as Auth0 does ("2024-01-02T03:04:05.678Z").
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// paging reads page and per_page: page from 0, per_page 50 by default and
// at most 100 (the parameters' schemas in the fixed spec: per_page maximum
// 100; "Default value is 50" on GET /clients).
func paging(q url.Values) (page, perPage int, aerr *auth0Error) {
	page, perPage = 0, 50
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, invalidQuery("Query validation error: 'page' must be an integer of at least 0.")
		}
		page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			return 0, 0, invalidQuery("Query validation error: 'per_page' must be an integer from 0 to 100.")
		}
		perPage = n
	}
	return page, perPage, nil
}

// boolQuery reads a boolean query parameter; absent is def.
func boolQuery(q url.Values, name string, def bool) (bool, *auth0Error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, invalidQuery("Query validation error: '%s' must be true or false.", name)
	}
	return b, nil
}

// fields applies the fields and include_fields parameters: the listed
// top-level members only (include_fields=true, the default) or all but them.
func fields(q url.Values) (func(map[string]any) map[string]any, *auth0Error) {
	list := splitList(q.Get("fields"))
	include, aerr := boolQuery(q, "include_fields", true)
	if aerr != nil {
		return nil, aerr
	}
	return func(m map[string]any) map[string]any {
		if len(list) == 0 {
			return m
		}
		out := map[string]any{}
		if include {
			for _, f := range list {
				if v, ok := m[f]; ok {
					out[f] = v
				}
			}
			return out
		}
		for k, v := range m {
			out[k] = v
		}
		for _, f := range list {
			delete(out, f)
		}
		return out
	}, nil
}

// mergeTop applies an Auth0 PATCH body to a stored object: each member
// replaces the stored one and null removes it.
func mergeTop(dst, patch map[string]any) {
	for k, v := range patch {
		if v == nil {
			delete(dst, k)
			continue
		}
		dst[k] = cloneValue(v)
	}
}

// window is the slice [lo, hi) of n results that page (from 0) of perPage
// covers, without overflowing for any page number.
func window(page, perPage, n int) (lo, hi int) {
	switch {
	case perPage <= 0 || page < 0:
		return 0, 0
	case page > n/perPage:
		return n, n
	}
	lo = page * perPage
	return lo, min(lo+perPage, n)
}
