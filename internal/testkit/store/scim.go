package store

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// SCIM URNs (RFC 7643 §8.7.1, RFC 7644 §3.4.2, §3.5.2, §3.12).
const (
	userSchema   = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupSchema  = "urn:ietf:params:scim:schemas:core:2.0:Group"
	listSchema   = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	errorSchema  = "urn:ietf:params:scim:api:messages:2.0:Error"
	patchSchema  = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	searchSchema = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	// scimMediaType is the media type of every SCIM body (RFC 7644 §8.1).
	scimMediaType = "application/scim+json"
)

// SCIM is an in-memory SCIM 2.0 service provider for /Users and /Groups, as
// Asgardeo and WSO2 Identity Server answer them (RFC 7643, RFC 7644): create,
// read, replace, patch, delete, list with filter, sorting and paging, and
// POST /.search. Deleting a user removes it from every group; a user's
// read-only "groups" attribute lists the groups it is a direct member of.
// The zero value is not usable; call [NewSCIM].
type SCIM struct {
	mu     sync.Mutex
	now    func() time.Time
	max    int // resources of each kind
	seq    int // last identifier handed out
	ver    int // last version handed out
	users  *scimKind
	groups *scimKind
	bytes  budget
}

// scimKind is the state of one resource type.
type scimKind struct {
	endpoint     string // "Users"
	resourceType string // "User"
	schema       string // core schema URN
	unique       string // attribute unique across the kind (case-insensitive)
	byID         map[string]*scimRes
	order        []string // creation order, the default listing order
}

// scimRes is one stored resource: the client's attributes (without id, meta
// and other read-only ones) and what the server keeps about it.
type scimRes struct {
	id                string
	attrs             map[string]any
	created, modified time.Time
	version           int
}

// NewSCIM returns an empty SCIM store. Identifiers are deterministic
// (UUID-shaped, from a counter), so the same requests give the same ids.
func NewSCIM() *SCIM {
	return &SCIM{
		now:   func() time.Time { return time.Now().UTC() },
		max:   MaxResources,
		bytes: newBudget(),
		users: &scimKind{endpoint: "Users", resourceType: "User", schema: userSchema, unique: "userName",
			byID: map[string]*scimRes{}},
		groups: &scimKind{endpoint: "Groups", resourceType: "Group", schema: groupSchema, unique: "displayName",
			byID: map[string]*scimRes{}},
	}
}

// scimError is a SCIM error response (RFC 7644 §3.12).
type scimError struct {
	status   int
	scimType string
	detail   string
}

func (e *scimError) response() Response {
	body := map[string]any{
		"schemas": []string{errorSchema},
		"status":  fmt.Sprint(e.status),
		"detail":  e.detail,
	}
	if e.scimType != "" {
		body["scimType"] = e.scimType
	}
	return jsonResponse(e.status, scimMediaType, body)
}

func badRequest(scimType, format string, args ...any) *scimError {
	return &scimError{status: http.StatusBadRequest, scimType: scimType, detail: fmt.Sprintf(format, args...)}
}

// Serve answers the SCIM Users and Groups operations; ok is false for any
// other path or method.
func (s *SCIM) Serve(r Request) (Response, bool) {
	segs := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
	var kind *scimKind
	switch segs[0] {
	case "Users":
		kind = s.users
	case "Groups":
		kind = s.groups
	default:
		return Response{}, false
	}
	var op func() (Response, *scimError)
	switch {
	case len(segs) == 1 && r.Method == http.MethodGet:
		op = func() (Response, *scimError) { return s.list(kind, r) }
	case len(segs) == 1 && r.Method == http.MethodPost:
		op = func() (Response, *scimError) { return s.create(kind, r) }
	case len(segs) == 2 && segs[1] == ".search":
		if r.Method != http.MethodPost {
			return Response{}, false
		}
		op = func() (Response, *scimError) { return s.search(kind, r) }
	case len(segs) == 2 && segs[1] != "":
		id, err := url.PathUnescape(segs[1])
		if err != nil {
			return (&scimError{status: http.StatusNotFound, detail: "The resource path is not a valid escaped path."}).response(), true
		}
		switch r.Method {
		case http.MethodGet:
			op = func() (Response, *scimError) { return s.get(kind, id, r) }
		case http.MethodPut:
			op = func() (Response, *scimError) { return s.replace(kind, id, r) }
		case http.MethodPatch:
			op = func() (Response, *scimError) { return s.patch(kind, id, r) }
		case http.MethodDelete:
			op = func() (Response, *scimError) { return s.delete(kind, id, r) }
		default:
			return Response{}, false
		}
	default:
		return Response{}, false
	}
	if len(r.Body) > MaxBodySize {
		return (&scimError{status: http.StatusRequestEntityTooLarge,
			detail: fmt.Sprintf("The request body is larger than the test store accepts (%d bytes).", MaxBodySize)}).response(), true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp, serr := op()
	if serr != nil {
		return serr.response(), true
	}
	return resp, true
}

// notFound is the 404 of a resource that does not exist, worded as
// Asgardeo words it (ErrorUserNotAvailable / ErrorGroupNotAvailable in the
// spec).
func notFound(kind *scimKind, id string) *scimError {
	return &scimError{status: http.StatusNotFound,
		detail: fmt.Sprintf("No %s with the id : %s in the user store.", strings.ToLower(kind.resourceType), id)}
}

// lookup returns the resource with id and checks the If-Match precondition
// (RFC 7644 §3.14).
func (s *SCIM) lookup(kind *scimKind, id string, r Request, write bool) (*scimRes, *scimError) {
	res, ok := kind.byID[id]
	if !ok {
		return nil, notFound(kind, id)
	}
	if write {
		if im := r.Header.Get("If-Match"); im != "" && im != "*" && !etagListHas(im, etag(res.version)) {
			return nil, &scimError{status: http.StatusPreconditionFailed,
				detail: "Failed to update. Resource has changed on the server."}
		}
	}
	return res, nil
}

func etag(v int) string { return fmt.Sprintf(`W/"%d"`, v) }

func etagListHas(list, tag string) bool {
	for e := range strings.SplitSeq(list, ",") {
		if strings.TrimSpace(e) == tag {
			return true
		}
	}
	return false
}

// newID hands out the next identifier, shaped like a UUID as Asgardeo's are.
func (s *SCIM) newID() string {
	s.seq++
	return fmt.Sprintf("00000000-0000-4000-8000-%012x", s.seq)
}

// fit checks that attrs may be stored as the resource id of kind ("" for a
// new one) within the byte caps.
func (s *SCIM) fit(kind *scimKind, id string, attrs map[string]any) (int, *scimError) {
	n, err := s.bytes.fit(kind.endpoint+"/"+id, attrs)
	if err != nil {
		return 0, &scimError{status: http.StatusRequestEntityTooLarge, detail: "The request was refused: " + err.Error() + "."}
	}
	return n, nil
}

func (s *SCIM) touch(res *scimRes) {
	s.ver++
	res.version = s.ver
	res.modified = s.now()
}

// render is the representation of res as the client sees it: the stored
// attributes plus id, schemas, meta and the computed attributes (a user's
// groups, a group's member display and $ref).
func (s *SCIM) render(kind *scimKind, res *scimRes, base string) map[string]any {
	out := cloneMap(res.attrs)
	out["id"] = res.id
	if _, ok := getCI(out, "schemas"); !ok {
		out["schemas"] = []any{kind.schema}
	}
	base = strings.TrimSuffix(base, "/")
	out["meta"] = map[string]any{
		"resourceType": kind.resourceType,
		"created":      res.created.Format(time.RFC3339),
		"lastModified": res.modified.Format(time.RFC3339),
		"location":     base + "/" + kind.endpoint + "/" + url.PathEscape(res.id),
		"version":      etag(res.version),
	}
	switch kind {
	case s.users:
		if g := s.groupsOf(res.id, base); len(g) > 0 {
			out["groups"] = g
		}
	case s.groups:
		if members, ok := getCI(out, "members"); ok {
			if list, ok := members.([]any); ok {
				for _, m := range list {
					mm, ok := m.(map[string]any)
					if !ok {
						continue
					}
					id, _ := mm["value"].(string)
					if u, ok := s.users.byID[id]; ok {
						mm["display"], _ = getCI(u.attrs, "userName")
						mm["$ref"] = base + "/Users/" + url.PathEscape(id)
					}
				}
			}
		}
	}
	return out
}

// groupsOf lists the groups whose members include the user with id, as the
// user's read-only "groups" attribute (RFC 7643 §4.1.2).
func (s *SCIM) groupsOf(id, base string) []any {
	var out []any
	for _, gid := range s.groups.order {
		g := s.groups.byID[gid]
		if memberIndex(g.attrs, id) < 0 {
			continue
		}
		name, _ := getCI(g.attrs, "displayName")
		out = append(out, map[string]any{"value": gid, "display": name,
			"$ref": base + "/Groups/" + url.PathEscape(gid), "type": "direct"})
	}
	return out
}

// memberIndex is the index of the member with value id in a group's
// attributes, or -1.
func memberIndex(attrs map[string]any, id string) int {
	members, _ := getCI(attrs, "members")
	list, _ := members.([]any)
	for i, m := range list {
		if mm, ok := m.(map[string]any); ok && mm["value"] == id {
			return i
		}
	}
	return -1
}

// one is the response for a single resource, with its ETag (RFC 7644
// §3.14) and, for a creation, its Location (RFC 7644 §3.3).
func (s *SCIM) one(status int, kind *scimKind, res *scimRes, r Request, attrs, excluded []string) Response {
	view := s.render(kind, res, r.Base)
	resp := jsonResponse(status, scimMediaType, project(view, attrs, excluded))
	resp.Header.Set("ETag", etag(res.version))
	if status == http.StatusCreated {
		meta, _ := view["meta"].(map[string]any)
		if loc, ok := meta["location"].(string); ok {
			resp.Header.Set("Location", loc)
		}
	}
	return resp
}
