package store

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

const (
	// defaultCount and maxCount page lists: Asgardeo applies a threshold of
	// 100 to count (the count parameter's description in
	// specs/.cache/fixed/scimusers.json, UserSearchRequestObject.count), and
	// RFC 7644 §3.4.2.4 lets a provider return fewer than asked.
	defaultCount = 100
	maxCount     = 100
)

func (s *SCIM) get(kind *scimKind, id string, r Request) (Response, *scimError) {
	res, serr := s.lookup(kind, id, r, false)
	if serr != nil {
		return Response{}, serr
	}
	return s.one(http.StatusOK, kind, res, r, splitList(r.Query.Get("attributes")), splitList(r.Query.Get("excludedAttributes"))), nil
}

func (s *SCIM) create(kind *scimKind, r Request) (Response, *scimError) {
	attrs, err := decodeObject(r.Body)
	if err != nil {
		return Response{}, badRequest("invalidSyntax", "Request is unparsable: %s.", err)
	}
	if len(kind.byID) >= s.max {
		return Response{}, badRequest("invalidValue", "The test store holds its maximum of %d %s.", s.max, strings.ToLower(kind.endpoint))
	}
	if serr := s.prepare(kind, attrs, ""); serr != nil {
		return Response{}, serr
	}
	size, serr := s.fit(kind, "", attrs)
	if serr != nil {
		return Response{}, serr
	}
	now := s.now()
	res := &scimRes{id: s.newID(), attrs: attrs, created: now}
	s.touch(res)
	s.bytes.set(kind.endpoint+"/"+res.id, size)
	kind.byID[res.id] = res
	kind.order = append(kind.order, res.id)
	return s.one(http.StatusCreated, kind, res, r, splitList(r.Query.Get("attributes")), splitList(r.Query.Get("excludedAttributes"))), nil
}

func (s *SCIM) replace(kind *scimKind, id string, r Request) (Response, *scimError) {
	res, serr := s.lookup(kind, id, r, true)
	if serr != nil {
		return Response{}, serr
	}
	attrs, err := decodeObject(r.Body)
	if err != nil {
		return Response{}, badRequest("invalidSyntax", "Request is unparsable: %s.", err)
	}
	if serr := s.prepare(kind, attrs, id); serr != nil {
		return Response{}, serr
	}
	size, serr := s.fit(kind, id, attrs)
	if serr != nil {
		return Response{}, serr
	}
	s.bytes.set(kind.endpoint+"/"+id, size)
	res.attrs = attrs
	s.touch(res)
	return s.one(http.StatusOK, kind, res, r, splitList(r.Query.Get("attributes")), splitList(r.Query.Get("excludedAttributes"))), nil
}

func (s *SCIM) delete(kind *scimKind, id string, r Request) (Response, *scimError) {
	if _, serr := s.lookup(kind, id, r, true); serr != nil {
		return Response{}, serr
	}
	delete(kind.byID, id)
	s.bytes.drop(kind.endpoint + "/" + id)
	kind.order = slices.DeleteFunc(kind.order, func(x string) bool { return x == id })
	if kind == s.users {
		// A deleted user leaves every group it was a member of.
		for _, gid := range s.groups.order {
			g := s.groups.byID[gid]
			if i := memberIndex(g.attrs, id); i >= 0 {
				members, _ := getCI(g.attrs, "members")
				setCI(g.attrs, "members", slices.Delete(members.([]any), i, i+1))
				s.touch(g)
			}
		}
	}
	return Response{Status: http.StatusNoContent, Header: http.Header{}}, nil
}

// prepare checks and normalises the attributes of a new or replaced
// resource: read-only attributes are ignored (RFC 7644 §3.3, §3.5.1), the
// password is write-only and never kept (RFC 7643 §4.1.1, returned
// "never"), the unique attribute must be present and unique (409
// uniqueness, RFC 7644 §3.3), and group members must name existing users.
func (s *SCIM) prepare(kind *scimKind, attrs map[string]any, self string) *scimError {
	for _, ro := range []string{"id", "meta", "password"} {
		deleteCI(attrs, ro)
	}
	if kind == s.users {
		deleteCI(attrs, "groups")
	}
	if v, ok := getCI(attrs, "schemas"); ok {
		list, ok := v.([]any)
		if !ok {
			return badRequest("invalidSyntax", "schemas must be an array of strings.")
		}
		for _, e := range list {
			if _, ok := e.(string); !ok {
				return badRequest("invalidSyntax", "schemas must be an array of strings.")
			}
		}
	}
	if v, ok := getCI(attrs, "externalId"); ok {
		if _, ok := v.(string); !ok {
			return badRequest("invalidValue", "externalId must be a string.")
		}
	}
	if kind == s.groups {
		if serr := s.checkMembers(attrs); serr != nil {
			return serr
		}
	}
	return s.checkUnique(kind, attrs, self)
}

func (s *SCIM) checkUnique(kind *scimKind, attrs map[string]any, self string) *scimError {
	v, _ := getCI(attrs, kind.unique)
	want, ok := v.(string)
	if !ok || want == "" {
		return badRequest("invalidValue", "Required attribute %s is missing or not a string.", kind.unique)
	}
	for _, id := range kind.order {
		if id == self {
			continue
		}
		got, _ := getCI(kind.byID[id].attrs, kind.unique)
		if g, _ := got.(string); strings.EqualFold(g, want) {
			// Asgardeo's wording (ErrorGroupAlreadyAvailable example in
			// scimgroups.json).
			return &scimError{status: http.StatusConflict, scimType: "uniqueness",
				detail: fmt.Sprintf("%s with the name: %s already exists in the system.", kind.resourceType, want)}
		}
	}
	return nil
}

// checkMembers checks a group's members: each an object whose value is the
// id of a stored user, no duplicates. Only value and type are kept; display
// and $ref are computed when the group is read, so they follow the user.
func (s *SCIM) checkMembers(attrs map[string]any) *scimError {
	v, ok := getCI(attrs, "members")
	if !ok || v == nil {
		deleteCI(attrs, "members")
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return badRequest("invalidValue", "members must be an array.")
	}
	seen := map[string]bool{}
	out := make([]any, 0, len(list))
	for _, m := range list {
		mm, ok := m.(map[string]any)
		if !ok {
			return badRequest("invalidValue", "Each member must be an object with a value.")
		}
		val, _ := getCI(mm, "value")
		id, ok := val.(string)
		if !ok || id == "" {
			return badRequest("invalidValue", "Each member must have a string value (the member's id).")
		}
		if _, ok := s.users.byID[id]; !ok {
			// 404 is what the fixed spec declares for a group write that
			// names what is not there (POST/PUT/PATCH /Groups).
			return &scimError{status: http.StatusNotFound, detail: fmt.Sprintf("No user with the id : %s in the user store.", id)}
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		keep := map[string]any{"value": id}
		if t, ok := getCI(mm, "type"); ok {
			keep["type"] = t
		}
		out = append(out, keep)
	}
	setCI(attrs, "members", out)
	return nil
}

// listParams are the query parameters of GET and the members of a
// SearchRequest (RFC 7644 §3.4.2, §3.4.3).
type listParams struct {
	filter               string
	startIndex, count    int
	sortBy, sortOrder    string
	attributes, excluded []string
}

func (s *SCIM) list(kind *scimKind, r Request) (Response, *scimError) {
	q := r.Query
	p := listParams{filter: q.Get("filter"), sortBy: q.Get("sortBy"), sortOrder: q.Get("sortOrder"),
		attributes: splitList(q.Get("attributes")), excluded: splitList(q.Get("excludedAttributes"))}
	var serr *scimError
	if p.startIndex, serr = intParam(q.Get("startIndex"), 1, "startIndex"); serr != nil {
		return Response{}, serr
	}
	if p.count, serr = intParam(q.Get("count"), defaultCount, "count"); serr != nil {
		return Response{}, serr
	}
	return s.query(kind, r, p)
}

func (s *SCIM) search(kind *scimKind, r Request) (Response, *scimError) {
	var body struct {
		Filter             *string     `json:"filter"`
		StartIndex         json.Number `json:"startIndex"`
		Count              json.Number `json:"count"`
		SortBy             string      `json:"sortBy"`
		SortOrder          string      `json:"sortOrder"`
		Attributes         []string    `json:"attributes"`
		ExcludedAttributes []string    `json:"excludedAttributes"`
	}
	if _, err := decodeObject(r.Body); err != nil {
		return Response{}, badRequest("invalidSyntax", "Request is unparsable: %s.", err)
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		return Response{}, badRequest("invalidSyntax", "The SearchRequest has a member of the wrong type.")
	}
	p := listParams{sortBy: body.SortBy, sortOrder: body.SortOrder, attributes: body.Attributes, excluded: body.ExcludedAttributes}
	if body.Filter != nil {
		p.filter = *body.Filter
	}
	var serr *scimError
	if p.startIndex, serr = intParam(body.StartIndex.String(), 1, "startIndex"); serr != nil {
		return Response{}, serr
	}
	if p.count, serr = intParam(body.Count.String(), defaultCount, "count"); serr != nil {
		return Response{}, serr
	}
	return s.query(kind, r, p)
}

// intParam parses a paging number; absent is def.
func intParam(v string, def int, name string) (int, *scimError) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest("invalidValue", "%s must be an integer.", name)
	}
	return n, nil
}

func (s *SCIM) query(kind *scimKind, r Request, p listParams) (Response, *scimError) {
	var expr filter.Expression
	if strings.TrimSpace(p.filter) != "" {
		var serr *scimError
		if expr, serr = parseFilter(p.filter); serr != nil {
			return Response{}, serr
		}
	}
	var sortPath *filter.AttributePath
	if p.sortBy != "" {
		sp, serr := parsePath(p.sortBy)
		if serr != nil || sp.ValueExpression != nil || sp.SubAttribute != nil {
			return Response{}, badRequest("invalidValue", "sortBy %q is not an attribute path.", p.sortBy)
		}
		sortPath = &sp.AttributePath
	}
	desc := false
	switch strings.ToLower(p.sortOrder) {
	case "", "ascending":
	case "descending":
		desc = true
	default:
		return Response{}, badRequest("invalidValue", "sortOrder must be ascending or descending.")
	}
	var hits []map[string]any
	for _, id := range kind.order {
		view := s.render(kind, kind.byID[id], r.Base)
		if expr == nil || matches(expr, view, kind.schema) {
			hits = append(hits, view)
		}
	}
	if sortPath != nil {
		// RFC 7644 §3.4.2.3: strings ignoring case; resources without a
		// value sort last in either order.
		key := func(m map[string]any) (string, bool) {
			vals := leafValues(m, *sortPath, kind.schema)
			if len(vals) == 0 || !present(vals[0]) {
				return "", false
			}
			return strings.ToLower(fmt.Sprint(vals[0])), true
		}
		slices.SortStableFunc(hits, func(a, b map[string]any) int {
			ka, oka := key(a)
			kb, okb := key(b)
			switch {
			case !oka || !okb:
				return cmp.Compare(boolInt(!oka), boolInt(!okb))
			case desc:
				return strings.Compare(kb, ka)
			default:
				return strings.Compare(ka, kb)
			}
		})
	}
	// RFC 7644 §3.4.2.4: startIndex below 1 is 1, a negative count is 0.
	start := max(p.startIndex, 1)
	count := min(max(p.count, 0), maxCount)
	lo := min(start-1, len(hits))
	hi := min(lo+count, len(hits))
	page := make([]any, 0, hi-lo)
	for _, h := range hits[lo:hi] {
		page = append(page, project(h, p.attributes, p.excluded))
	}
	return jsonResponse(http.StatusOK, scimMediaType, map[string]any{
		"schemas":      []string{listSchema},
		"totalResults": len(hits),
		"startIndex":   start,
		"itemsPerPage": len(page),
		"Resources":    page,
	}), nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// splitList splits a comma-separated attributes parameter.
func splitList(v string) []string {
	var out []string
	for f := range strings.SplitSeq(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// project applies the attributes and excludedAttributes parameters (RFC
// 7644 §3.4.2.5) to a representation: top-level names and name.sub paths,
// ignoring case. id, schemas and meta are always returned (id and schemas
// are "returned always"; meta is kept because the vendor's response schema
// requires it).
func project(view map[string]any, attrs, excluded []string) map[string]any {
	always := []string{"id", "schemas", "meta"}
	if len(attrs) > 0 {
		out := map[string]any{}
		whole := map[string]bool{}
		for _, k := range always {
			if v, ok := view[k]; ok {
				out[k], whole[k] = v, true
			}
		}
		for _, a := range attrs {
			name, sub, hasSub := splitAttr(a)
			k, ok := keyCI(view, name)
			if !ok {
				continue
			}
			if !hasSub {
				out[k], whole[k] = view[k], true
				continue
			}
			if whole[k] {
				continue
			}
			switch v := view[k].(type) {
			case map[string]any:
				part, _ := out[k].(map[string]any)
				if part == nil {
					part = map[string]any{}
				}
				if sk, ok := keyCI(v, sub); ok {
					part[sk] = v[sk]
				}
				out[k] = part
			case []any:
				// A sub-attribute of a multi-valued attribute
				// (emails.value): that sub-attribute of each value.
				prev, _ := out[k].([]any)
				els := make([]any, len(v))
				for i, el := range v {
					em, ok := el.(map[string]any)
					if !ok {
						els[i] = el
						continue
					}
					part := map[string]any{}
					if i < len(prev) {
						if pm, ok := prev[i].(map[string]any); ok {
							part = pm
						}
					}
					if sk, ok := keyCI(em, sub); ok {
						part[sk] = em[sk]
					}
					els[i] = part
				}
				out[k] = els
			default:
				out[k] = v
			}
		}
		return out
	}
	if len(excluded) == 0 {
		return view
	}
	out := cloneMap(view)
	for _, a := range excluded {
		name, sub, hasSub := splitAttr(a)
		if slices.ContainsFunc(always, func(x string) bool { return strings.EqualFold(x, name) }) {
			continue
		}
		if !hasSub {
			deleteCI(out, name)
			continue
		}
		v, _ := getCI(out, name)
		for _, el := range elements(v) {
			if m, ok := el.(map[string]any); ok {
				deleteCI(m, sub)
			}
		}
	}
	return out
}

// splitAttr splits "name.sub" (or "urn:...:name.sub") at its last dot after
// the last colon.
func splitAttr(a string) (name, sub string, ok bool) {
	i := strings.LastIndex(a, ":")
	j := strings.LastIndex(a, ".")
	if j > i && j > 0 {
		return a[:j], a[j+1:], true
	}
	return a, "", false
}
