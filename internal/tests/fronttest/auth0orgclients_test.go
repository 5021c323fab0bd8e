package fronttest

import (
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
)

// Auth0's organization-client associations (specs/auth0.overlay.yaml, issue
// 18): GET /organizations/{id}/clients pages by checkpoint in a plain object
// ({clients, next}); the iterator sends next back as from and stops when
// the answer has none.
func TestAuth0OrganizationClientsCheckpoint(t *testing.T) {
	pages := map[string]struct {
		ids  []string
		next string
	}{
		"":   {[]string{"cl_1", "cl_2"}, "k1"},
		"k1": {[]string{"cl_3", "cl_4"}, "k2"},
		"k2": {[]string{"cl_5"}, ""},
	}
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		p := pages[r.URL.Query().Get("from")]
		clients := []map[string]any{}
		for _, id := range p.ids {
			clients = append(clients, map[string]any{"client_id": id, "use_for_member_access": id == "cl_1"})
		}
		body := map[string]any{"clients": clients}
		if p.next != "" {
			body["next"] = p.next
		}
		writeJSON(rw, 200, body)
	})
	c := auth0API(t, w)
	var got []string
	member := 0
	for oc, err := range c.GetOrganizationClientsAll(t.Context(), "org_1", &auth0.GetOrganizationClientsParams{Take: new(2)}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, oc.ClientId)
		if oc.UseForMemberAccess {
			member++
		}
	}
	equal(t, "clients", got, []string{"cl_1", "cl_2", "cl_3", "cl_4", "cl_5"})
	if member != 1 {
		t.Errorf("%d associations used for member access, want 1 (cl_1)", member)
	}
	equal(t, "requests", w.requests(), []string{
		"GET /organizations/org_1/clients?take=2",
		"GET /organizations/org_1/clients?from=k1&take=2",
		"GET /organizations/org_1/clients?from=k2&take=2",
	})
	w.checkBearer(t)
}

// The four other operations through the front door: the bodies that reach
// the wire and the typed answers.
func TestAuth0OrganizationClientsWrite(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	assoc := map[string]any{"client_id": "cl_1", "use_for_member_access": false,
		"client": map[string]any{"name": "Portal", "app_type": "regular_web"}}
	w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		switch r.Method {
		case http.MethodPost:
			writeJSON(rw, 201, []any{assoc})
		case http.MethodDelete:
			rw.WriteHeader(http.StatusNoContent)
		default:
			writeJSON(rw, 200, assoc)
		}
	})
	c := auth0API(t, w)
	ctx := t.Context()
	created, err := c.PostOrganizationClients(ctx, "org_1", auth0.PostOrganizationClientsJSONRequestBody{
		Clients: []auth0.CreateOrganizationClientRequestItem{{ClientId: "cl_1", UseForMemberAccess: true}},
	})
	if err != nil {
		t.Fatalf("PostOrganizationClients: %v", err)
	}
	if len(created) != 1 || created[0].ClientId != "cl_1" || created[0].Client == nil || mgmtapi.Val(created[0].Client.Name) != "Portal" {
		t.Errorf("PostOrganizationClients = %+v", created)
	}
	if err := c.DeleteOrganizationClients(ctx, "org_1", auth0.DeleteOrganizationClientsJSONRequestBody{Clients: []string{"cl_2"}}); err != nil {
		t.Fatalf("DeleteOrganizationClients: %v", err)
	}
	one, err := c.GetOrganizationClient(ctx, "org_1", "cl_1")
	if err != nil || one.ClientId != "cl_1" {
		t.Fatalf("GetOrganizationClient = %+v, %v", one, err)
	}
	upd, err := c.PatchOrganizationClient(ctx, "org_1", "cl_1", auth0.PatchOrganizationClientJSONRequestBody{UseForMemberAccess: new(false)})
	if err != nil || upd.ClientId != "cl_1" || upd.UseForMemberAccess {
		t.Fatalf("PatchOrganizationClient = %+v, %v", upd, err)
	}
	equal(t, "requests", w.requests(), []string{
		"POST /organizations/org_1/clients",
		"DELETE /organizations/org_1/clients",
		"GET /organizations/org_1/clients/cl_1",
		"PATCH /organizations/org_1/clients/cl_1",
	})
	mu.Lock()
	defer mu.Unlock()
	equal(t, "bodies", bodies, []string{
		`{"clients":[{"client_id":"cl_1","use_for_member_access":true}]}`,
		`{"clients":["cl_2"]}`,
		``,
		`{"use_for_member_access":false}`,
	})
	w.checkBearer(t)
}
