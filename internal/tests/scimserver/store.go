package main

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// record is one stored resource.
type record struct {
	id         string
	externalID string
	attrs      map[string]any
	created    time.Time
	modified   time.Time
	version    int
}

// store is the in-memory scim.ResourceHandler (and ResourceSearcher) of one
// resource type.
type store struct {
	name        string
	schema      schema.Schema
	extensions  []schema.Schema
	unique      string // attribute whose value must be unique (case-insensitive)
	totalOffset int
	// groupsOf, when set, fills a user's read-only "groups" attribute
	// (RFC 7643 §4.1.2) from the groups' members.
	groupsOf func(userID string) []any

	mu      sync.Mutex
	byID    map[string]*record
	order   []string
	counter int
}

func newStore(name string, s schema.Schema, ext []schema.Schema, unique string) *store {
	return &store{name: name, schema: s, extensions: ext, unique: unique, byID: map[string]*record{}}
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%s-%s-%s-%s", hex.EncodeToString(b[0:4]), hex.EncodeToString(b[4:6]),
		hex.EncodeToString(b[6:8]), hex.EncodeToString(b[8:10]), hex.EncodeToString(b[10:16]))
}

func etag(v int) string { return fmt.Sprintf(`W/"%d"`, v) }

// version returns the ETag of the resource with id.
func (s *store) version(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byID[id]
	if !ok {
		return "", false
	}
	return etag(r.version), true
}

func (s *store) resource(r *record) scim.Resource {
	attrs := clone(r.attrs)
	if s.groupsOf != nil {
		if g := s.groupsOf(r.id); len(g) > 0 {
			attrs["groups"] = g
		}
	}
	created, modified := r.created, r.modified
	res := scim.Resource{
		ID:         r.id,
		Attributes: attrs,
		Meta:       scim.Meta{Created: &created, LastModified: &modified, Version: etag(r.version)},
	}
	if r.externalID != "" {
		res.ExternalID = optional.NewString(r.externalID)
	}
	return res
}

// takeExternalID moves externalId out of the validated attributes.
func takeExternalID(attrs scim.ResourceAttributes) string {
	for k, v := range attrs {
		if strings.EqualFold(k, "externalId") {
			delete(attrs, k)
			s, _ := v.(string)
			return s
		}
	}
	return ""
}

func (s *store) conflict(attrs map[string]any, except string) bool {
	want, _ := lookup(attrs, s.unique).(string)
	if want == "" {
		return false
	}
	for id, r := range s.byID {
		if id == except {
			continue
		}
		if got, _ := lookup(r.attrs, s.unique).(string); strings.EqualFold(got, want) {
			return true
		}
	}
	return false
}

// Create stores a new resource; a duplicate unique attribute is 409
// uniqueness (RFC 7644 §3.3).
func (s *store) Create(_ *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conflict(attrs, "") {
		return scim.Resource{}, scimerrors.ScimErrorUniqueness
	}
	now := time.Now().UTC()
	s.counter++
	r := &record{id: newID(), created: now, modified: now, version: s.counter}
	r.externalID = takeExternalID(attrs)
	r.attrs = map[string]any(attrs)
	s.byID[r.id] = r
	s.order = append(s.order, r.id)
	return s.resource(r), nil
}

func notFound(id string) error { return scimerrors.ScimErrorResourceNotFound(id) }

// Get returns one resource.
func (s *store) Get(_ *http.Request, id string) (scim.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byID[id]
	if !ok {
		return scim.Resource{}, notFound(id)
	}
	return s.resource(r), nil
}

// checkVersion answers 412 when If-Match names another version (RFC 7644
// §3.14).
func checkVersion(req *http.Request, r *record) error {
	im := req.Header.Get("If-Match")
	if im == "" || im == "*" || im == etag(r.version) {
		return nil
	}
	return scimerrors.ScimError{Status: http.StatusPreconditionFailed, Detail: "Failed to update. Resource has changed on the server."}
}

// Replace replaces every attribute of a resource (PUT).
func (s *store) Replace(req *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byID[id]
	if !ok {
		return scim.Resource{}, notFound(id)
	}
	if err := checkVersion(req, r); err != nil {
		return scim.Resource{}, err
	}
	if s.conflict(attrs, id) {
		return scim.Resource{}, scimerrors.ScimErrorUniqueness
	}
	r.externalID = takeExternalID(attrs)
	r.attrs = map[string]any(attrs)
	s.touch(r)
	return s.resource(r), nil
}

func (s *store) touch(r *record) {
	s.counter++
	r.version = s.counter
	r.modified = time.Now().UTC()
}

// Delete removes a resource.
func (s *store) Delete(req *http.Request, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byID[id]
	if !ok {
		return notFound(id)
	}
	if err := checkVersion(req, r); err != nil {
		return err
	}
	delete(s.byID, id)
	s.order = slices.DeleteFunc(s.order, func(x string) bool { return x == id })
	return nil
}

// Patch applies PATCH operations (RFC 7644 §3.5.2) all or nothing.
func (s *store) Patch(req *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byID[id]
	if !ok {
		return scim.Resource{}, notFound(id)
	}
	if err := checkVersion(req, r); err != nil {
		return scim.Resource{}, err
	}
	attrs := clone(r.attrs)
	ext := r.externalID
	for _, op := range ops {
		if err := s.apply(attrs, &ext, op); err != nil {
			return scim.Resource{}, err
		}
	}
	if s.conflict(attrs, id) {
		return scim.Resource{}, scimerrors.ScimErrorUniqueness
	}
	r.attrs, r.externalID = attrs, ext
	s.touch(r)
	return s.resource(r), nil
}

// GetAll lists resources: filter, sortBy/sortOrder from the query
// (RFC 7644 §3.4.2), then the page.
func (s *store) GetAll(req *http.Request, p scim.ListRequestParams) (scim.Page, error) {
	q := req.URL.Query()
	var f filterer
	if p.FilterValidator != nil {
		f = p.FilterValidator
	}
	return s.list(f, q.Get("sortBy"), q.Get("sortOrder"), p.StartIndex, p.Count)
}

// Search is POST /.search (RFC 7644 §3.4.3).
func (s *store) Search(_ *http.Request, p scim.SearchParams) (scim.Page, error) {
	var f filterer
	if p.FilterValidator != nil {
		f = p.FilterValidator
	}
	return s.list(f, p.SortBy, p.SortOrder, p.StartIndex, p.Count)
}

type filterer interface {
	PassesFilter(map[string]any) error
}

func (s *store) list(f filterer, sortBy, sortOrder string, start, count int) (scim.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []scim.Resource
	for _, id := range s.order {
		res := s.resource(s.byID[id])
		if f != nil {
			view := clone(res.Attributes)
			view["id"] = res.ID
			if res.ExternalID.Present() {
				view["externalId"] = res.ExternalID.Value()
			}
			if f.PassesFilter(view) != nil {
				continue
			}
		}
		all = append(all, res)
	}
	if sortBy != "" {
		slices.SortStableFunc(all, func(a, b scim.Resource) int {
			c := cmp.Compare(sortKey(a, sortBy), sortKey(b, sortBy))
			if sortOrder == "descending" {
				c = -c
			}
			return c
		})
	}
	total := len(all)
	if f != nil {
		total += s.totalOffset
	}
	lo := min(max(start-1, 0), len(all))
	hi := min(lo+max(count, 0), len(all))
	return scim.Page{TotalResults: total, Resources: all[lo:hi]}, nil
}

// sortKey is the lower-cased string form of the attribute at path ("a" or
// "a.b"), as RFC 7644 §3.4.2.3 sorts caseExact=false strings.
func sortKey(r scim.Resource, path string) string {
	if strings.EqualFold(path, "id") {
		return r.ID
	}
	name, sub, _ := strings.Cut(path, ".")
	v := lookup(r.Attributes, name)
	if sub != "" {
		v = lookup(asMap(v), sub)
	}
	return strings.ToLower(fmt.Sprint(v))
}

// membershipsOf lists the groups whose members include userID, as a user's
// "groups" values.
func (s *store) membershipsOf(userID string) []any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []any
	for _, id := range s.order {
		r := s.byID[id]
		members, _ := lookup(r.attrs, "members").([]any)
		for _, m := range members {
			if v, _ := lookup(asMap(m), "value").(string); v == userID {
				out = append(out, map[string]any{"value": r.id, "display": lookup(r.attrs, "displayName"), "type": "direct"})
				break
			}
		}
	}
	return out
}
