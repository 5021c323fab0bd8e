package store

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Auth0 user behaviour, with the evidence for each choice:
//   - 409 {"statusCode":409,"error":"Conflict","message":"The user already
//     exists.","errorCode":"auth0_idp_error"} on a duplicate email or
//     username in one connection (auth0/docs pull request 9011, "The user
//     already exists" error).
//   - PATCH replaces top-level members, merges app_metadata and
//     user_metadata one level deep, null removes a member and an empty
//     metadata object removes the metadata
//     (https://auth0.com/docs/api/management/v2/users/patch-users-by-id,
//     https://auth0.com/docs/manage-users/user-accounts/metadata/manage-metadata-api).
//   - Changing the email to one another user of the connection has is 400
//     auth0_idp_error (auth0/node-auth0 issue 139 shows the 400 and code).
//   - name defaults to the email and nickname to its local part (Auth0's
//     normalized user profile,
//     https://auth0.com/docs/manage-users/user-accounts/user-profiles/user-profile-structure).
//   - GET /users pages through at most the first 1000 users, with Auth0's
//     "Requesting page N exceeds the allowed maximum of 1000 records."
//     (https://auth0.com/docs/manage-users/user-search/view-search-results-by-page#limitation;
//     the message as quoted in auth0/auth0-python issue 277).

// writeOnlyUser reports request members Auth0 acts on but never returns.
func writeOnlyUser(k string) bool {
	switch k {
	case "password", "verify_email", "verify_password", "connection", "client_id":
		return true
	}
	return false
}

func userExists() *auth0Error {
	return &auth0Error{status: http.StatusConflict, message: "The user already exists.", code: "auth0_idp_error"}
}

func userNotFound() *auth0Error {
	return &auth0Error{status: http.StatusNotFound, message: "The user does not exist.", code: "inexistent_user"}
}

// connectionOf is the connection of a stored user's first identity.
func connectionOf(u map[string]any) string {
	ids, _ := u["identities"].([]any)
	if len(ids) == 0 {
		return ""
	}
	m, _ := ids[0].(map[string]any)
	c, _ := m["connection"].(string)
	return c
}

// clash reports whether another user of connection has the same email or
// username (case-insensitive).
func (a *Auth0) clash(connection, self, member, value string) bool {
	if value == "" {
		return false
	}
	for _, id := range a.userOrder {
		u := a.users[id]
		if id == self || connectionOf(u) != connection {
			continue
		}
		if v, _ := u[member].(string); strings.EqualFold(v, value) {
			return true
		}
	}
	return false
}

func (a *Auth0) createUser(r Request) (Response, *auth0Error) {
	body, err := decodeObject(r.Body)
	if err != nil {
		return Response{}, invalidBody("%s.", err)
	}
	conn, ok := body["connection"].(string)
	if !ok || conn == "" {
		return Response{}, invalidBody("'Missing required property: connection'.")
	}
	for _, k := range []string{"email", "username", "user_id"} {
		if v, ok := body[k]; ok {
			if _, ok := v.(string); !ok {
				return Response{}, invalidBody("'Expected type string but found type %T' on property %s.", v, k)
			}
		}
	}
	if len(a.users) >= a.max {
		return Response{}, &auth0Error{status: http.StatusBadRequest, message: fmt.Sprintf("The test store holds its maximum of %d users.", a.max), code: "too_many_entities"}
	}
	email, _ := body["email"].(string)
	username, _ := body["username"].(string)
	if a.clash(conn, "", "email", email) || a.clash(conn, "", "username", username) {
		return Response{}, userExists()
	}
	local, _ := body["user_id"].(string)
	if local == "" {
		a.userSeq++
		local = fmt.Sprintf("%024x", a.userSeq)
	}
	id := "auth0|" + local
	if _, dup := a.users[id]; dup {
		return Response{}, userExists()
	}
	u := cloneMap(body)
	for k := range u {
		if writeOnlyUser(k) {
			delete(u, k)
		}
	}
	now := timestamp(a.now())
	u["user_id"] = id
	u["created_at"], u["updated_at"] = now, now
	u["identities"] = []any{map[string]any{"connection": conn, "user_id": local, "provider": "auth0", "isSocial": false}}
	if email != "" {
		if _, ok := u["email_verified"]; !ok {
			u["email_verified"] = false
		}
		if _, ok := u["name"]; !ok {
			u["name"] = email
		}
		if _, ok := u["nickname"]; !ok {
			u["nickname"], _, _ = strings.Cut(email, "@")
		}
	}
	size, aerr := a.fit("users/"+id, u)
	if aerr != nil {
		return Response{}, aerr
	}
	a.bytes.set("users/"+id, size)
	a.users[id] = u
	a.userOrder = append(a.userOrder, id)
	return jsonResponse(http.StatusCreated, auth0MediaType, u), nil
}

func (a *Auth0) getUser(id string, r Request) (Response, *auth0Error) {
	u, ok := a.users[id]
	if !ok {
		return Response{}, userNotFound()
	}
	pick, aerr := fields(r.Query)
	if aerr != nil {
		return Response{}, aerr
	}
	return jsonResponse(http.StatusOK, auth0MediaType, pick(u)), nil
}

func (a *Auth0) updateUser(id string, r Request) (Response, *auth0Error) {
	u, ok := a.users[id]
	if !ok {
		return Response{}, userNotFound()
	}
	body, err := decodeObject(r.Body)
	if err != nil {
		return Response{}, invalidBody("%s.", err)
	}
	conn := connectionOf(u)
	for _, k := range []string{"email", "username"} {
		v, ok := body[k]
		if !ok || v == nil {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return Response{}, invalidBody("'Expected type string but found type %T' on property %s.", v, k)
		}
		if a.clash(conn, id, k, s) {
			return Response{}, &auth0Error{status: http.StatusBadRequest, message: "The specified new " + k + " already exists", code: "auth0_idp_error"}
		}
	}
	next := cloneMap(u)
	for k, v := range body {
		switch {
		case writeOnlyUser(k), k == "user_id", k == "identities", k == "created_at", k == "updated_at":
		case k == "app_metadata" || k == "user_metadata":
			patch, isMap := v.(map[string]any)
			cur, _ := next[k].(map[string]any)
			switch {
			case v == nil || (isMap && len(patch) == 0):
				delete(next, k)
			case !isMap:
				return Response{}, invalidBody("'Expected type object but found type %T' on property %s.", v, k)
			default:
				if cur == nil {
					cur = map[string]any{}
				}
				mergeTop(cur, patch)
				next[k] = cur
			}
		case v == nil:
			delete(next, k)
		default:
			next[k] = cloneValue(v)
		}
	}
	next["updated_at"] = timestamp(a.now())
	size, aerr := a.fit("users/"+id, next)
	if aerr != nil {
		return Response{}, aerr
	}
	a.bytes.set("users/"+id, size)
	a.users[id] = next
	return jsonResponse(http.StatusOK, auth0MediaType, next), nil
}

// deleteUser answers 204 whether or not the user exists: the fixed spec
// declares no 404 for DELETE /users/{id}.
func (a *Auth0) deleteUser(id string) (Response, *auth0Error) {
	if _, ok := a.users[id]; ok {
		delete(a.users, id)
		a.bytes.drop("users/" + id)
		a.userOrder = slices.DeleteFunc(a.userOrder, func(x string) bool { return x == id })
	}
	return Response{Status: http.StatusNoContent, Header: http.Header{}}, nil
}

// maxUserWindow is how far GET /users pages (page*per_page+per_page).
const maxUserWindow = 1000

func (a *Auth0) listUsers(r Request) (Response, *auth0Error) {
	q := r.Query
	page, perPage, aerr := paging(q)
	if aerr != nil {
		return Response{}, aerr
	}
	if page > maxUserWindow || (page+1)*perPage > maxUserWindow {
		return Response{}, invalidQuery("Requesting page %d exceeds the allowed maximum of %d records.", page, maxUserWindow)
	}
	totals, aerr := boolQuery(q, "include_totals", false)
	if aerr != nil {
		return Response{}, aerr
	}
	pick, aerr := fields(q)
	if aerr != nil {
		return Response{}, aerr
	}
	terms, aerr := parseLucene(q.Get("q"))
	if aerr != nil {
		return Response{}, aerr
	}
	conn := q.Get("connection")
	var hits []map[string]any
	for _, id := range a.userOrder {
		u := a.users[id]
		if conn != "" && connectionOf(u) != conn {
			continue
		}
		if terms.match(u) {
			hits = append(hits, u)
		}
	}
	if s := q.Get("sort"); s != "" {
		if aerr := sortByField(hits, s); aerr != nil {
			return Response{}, aerr
		}
	}
	total := len(hits)
	lo, hi := window(page, perPage, total)
	users := make([]any, 0, hi-lo)
	for _, u := range hits[lo:hi] {
		users = append(users, pick(u))
	}
	if !totals {
		return jsonResponse(http.StatusOK, auth0MediaType, users), nil
	}
	return jsonResponse(http.StatusOK, auth0MediaType, map[string]any{
		"start": lo, "limit": perPage, "length": len(users), "total": total, "users": users,
	}), nil
}

// sortByField sorts users by "field:1" (ascending) or "field:-1"; users
// without the field come last.
func sortByField(hits []map[string]any, s string) *auth0Error {
	field, order, ok := strings.Cut(s, ":")
	if !ok || field == "" || (order != "1" && order != "-1") {
		return invalidQuery("Query validation error: 'sort' must be field:1 or field:-1, got %q.", s)
	}
	key := func(u map[string]any) (string, bool) {
		v, ok := u[field]
		if !ok || v == nil {
			return "", false
		}
		return strings.ToLower(fmt.Sprint(v)), true
	}
	slices.SortStableFunc(hits, func(x, y map[string]any) int {
		kx, okx := key(x)
		ky, oky := key(y)
		switch {
		case !okx || !oky:
			return boolInt(!okx) - boolInt(!oky)
		case order == "-1":
			return strings.Compare(ky, kx)
		default:
			return strings.Compare(kx, ky)
		}
	})
	return nil
}
