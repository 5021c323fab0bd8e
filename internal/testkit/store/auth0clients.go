package store

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// Auth0 application (client) behaviour:
//   - client_id is 32 alphanumeric characters; client_secret is generated
//     for confidential applications only: spa and native applications use
//     token_endpoint_auth_method "none" and have no secret
//     (https://auth0.com/docs/get-started/applications/confidential-and-public-applications).
//   - GET /clients answers a plain array, {start, limit, total, clients}
//     with include_totals, and {clients, next} with the checkpoint
//     parameters from/take (the three forms of the 200 response in the
//     fixed spec; ListClientsOffsetPaginatedResponseContent has no length).
//     The last checkpoint page omits next ("Omitted when there are no
//     further results", the node-auth0 SDK's checkpoint response types).
//   - 404 {"statusCode":404,"error":"Not Found","message":"The client does
//     not exist","errorCode":"inexistent_client"}.

func clientNotFound() *auth0Error {
	return &auth0Error{status: http.StatusNotFound, message: "The client does not exist", code: "inexistent_client"}
}

// publicApp reports applications without a client secret.
func publicApp(c map[string]any) bool {
	switch c["app_type"] {
	case "spa", "native":
		return true
	}
	return c["token_endpoint_auth_method"] == "none"
}

func (a *Auth0) createClient(r Request) (Response, *auth0Error) {
	body, err := decodeObject(r.Body)
	if err != nil {
		return Response{}, invalidBody("%s.", err)
	}
	if name, ok := body["name"].(string); !ok || name == "" {
		return Response{}, invalidBody("'Missing required property: name'.")
	}
	if len(a.clients) >= a.max {
		return Response{}, &auth0Error{status: http.StatusBadRequest, message: fmt.Sprintf("The test store holds its maximum of %d clients.", a.max), code: "too_many_entities"}
	}
	a.clientSeq++
	n := a.clientSeq
	idSum := sha256.Sum256([]byte("mgmtapi-testkit-client-" + strconv.Itoa(n)))
	id := hex.EncodeToString(idSum[:16])
	c := cloneMap(body)
	c["client_id"] = id
	if _, ok := c["global"]; !ok {
		c["global"] = false
	}
	if _, ok := c["is_first_party"]; !ok {
		c["is_first_party"] = true
	}
	if _, ok := c["token_endpoint_auth_method"]; !ok {
		if publicApp(c) {
			c["token_endpoint_auth_method"] = "none"
		} else {
			c["token_endpoint_auth_method"] = "client_secret_post"
		}
	}
	if !publicApp(c) {
		if _, ok := c["client_secret"]; !ok {
			secretSum := sha512.Sum512([]byte("mgmtapi-testkit-secret-" + strconv.Itoa(n)))
			c["client_secret"] = base64.RawURLEncoding.EncodeToString(secretSum[:48])
		}
	}
	size, aerr := a.fit("clients/"+id, c)
	if aerr != nil {
		return Response{}, aerr
	}
	a.bytes.set("clients/"+id, size)
	a.clients[id] = c
	a.clientRank[id] = n
	a.clientList = append(a.clientList, id)
	return jsonResponse(http.StatusCreated, auth0MediaType, c), nil
}

func (a *Auth0) getClient(id string, r Request) (Response, *auth0Error) {
	c, ok := a.clients[id]
	if !ok {
		return Response{}, clientNotFound()
	}
	pick, aerr := fields(r.Query)
	if aerr != nil {
		return Response{}, aerr
	}
	return jsonResponse(http.StatusOK, auth0MediaType, pick(c)), nil
}

func (a *Auth0) updateClient(id string, r Request) (Response, *auth0Error) {
	c, ok := a.clients[id]
	if !ok {
		return Response{}, clientNotFound()
	}
	body, err := decodeObject(r.Body)
	if err != nil {
		return Response{}, invalidBody("%s.", err)
	}
	if v, ok := body["name"]; ok {
		if s, ok := v.(string); !ok || s == "" {
			return Response{}, invalidBody("'name' must be a non-empty string.")
		}
	}
	delete(body, "client_id")
	next := cloneMap(c)
	mergeTop(next, body)
	size, aerr := a.fit("clients/"+id, next)
	if aerr != nil {
		return Response{}, aerr
	}
	a.bytes.set("clients/"+id, size)
	a.clients[id] = next
	return jsonResponse(http.StatusOK, auth0MediaType, next), nil
}

// deleteClient answers 204 whether or not the client exists: the fixed
// spec declares no 404 for DELETE /clients/{id}.
func (a *Auth0) deleteClient(id string) (Response, *auth0Error) {
	if _, ok := a.clients[id]; ok {
		delete(a.clients, id)
		a.bytes.drop("clients/" + id)
		delete(a.clientRank, id)
		a.clientList = slices.DeleteFunc(a.clientList, func(x string) bool { return x == id })
	}
	return Response{Status: http.StatusNoContent, Header: http.Header{}}, nil
}

func (a *Auth0) listClients(r Request) (Response, *auth0Error) {
	q := r.Query
	if q.Get("q") != "" {
		return Response{}, invalidQuery("Query validation error: this test store does not evaluate q on /clients.")
	}
	pick, aerr := fields(q)
	if aerr != nil {
		return Response{}, aerr
	}
	var hits []map[string]any
	types := splitList(q.Get("app_type"))
	for _, id := range a.clientList {
		c := a.clients[id]
		ok := true
		// is_global filters on the member global, is_first_party on
		// is_first_party.
		for _, f := range [...][2]string{{"is_global", "global"}, {"is_first_party", "is_first_party"}} {
			if q.Get(f[0]) == "" {
				continue
			}
			want, aerr := boolQuery(q, f[0], false)
			if aerr != nil {
				return Response{}, aerr
			}
			got, _ := c[f[1]].(bool)
			ok = ok && got == want
		}
		if len(types) > 0 {
			t, _ := c["app_type"].(string)
			ok = ok && slices.Contains(types, t)
		}
		if v := q.Get("external_client_id"); v != "" {
			ok = ok && c["external_client_id"] == v
		}
		if ok {
			hits = append(hits, c)
		}
	}
	if q.Has("from") || q.Has("take") {
		return a.checkpoint(hits, q.Get("from"), q.Get("take"), pick)
	}
	page, perPage, aerr := paging(q)
	if aerr != nil {
		return Response{}, aerr
	}
	totals, aerr := boolQuery(q, "include_totals", false)
	if aerr != nil {
		return Response{}, aerr
	}
	lo, hi := window(page, perPage, len(hits))
	clients := make([]any, 0, hi-lo)
	for _, c := range hits[lo:hi] {
		clients = append(clients, pick(c))
	}
	if !totals {
		return jsonResponse(http.StatusOK, auth0MediaType, clients), nil
	}
	return jsonResponse(http.StatusOK, auth0MediaType, map[string]any{
		"start": lo, "limit": perPage, "total": len(hits), "clients": clients,
	}), nil
}

// checkpoint answers the from/take form: from is the opaque "next" of the
// previous page (here the client_id to start at), take at most 100.
func (a *Auth0) checkpoint(hits []map[string]any, from, take string, pick func(map[string]any) map[string]any) (Response, *auth0Error) {
	n := 50
	if take != "" {
		v, err := strconv.Atoi(take)
		if err != nil || v < 1 || v > 100 {
			return Response{}, invalidQuery("Query validation error: 'take' must be an integer from 1 to 100.")
		}
		n = v
	}
	lo := 0
	if from != "" {
		rank, ok := a.clientRank[from]
		if !ok {
			return Response{}, invalidQuery("Query validation error: 'from' is not a checkpoint this store handed out.")
		}
		lo = len(hits)
		for i, c := range hits {
			id, _ := c["client_id"].(string)
			if a.clientRank[id] >= rank {
				lo = i
				break
			}
		}
	}
	hi := min(lo+n, len(hits))
	clients := make([]any, 0, hi-lo)
	for _, c := range hits[lo:hi] {
		clients = append(clients, pick(c))
	}
	out := map[string]any{"clients": clients}
	if hi < len(hits) {
		out["next"], _ = hits[hi]["client_id"].(string)
	}
	return jsonResponse(http.StatusOK, auth0MediaType, out), nil
}
