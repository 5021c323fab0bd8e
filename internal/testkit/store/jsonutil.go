package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// decodeObject decodes body as exactly one JSON object. Numbers stay
// json.Number so that integers of any size come back unchanged.
func decodeObject(body []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, errors.New("the body is not valid JSON")
	}
	if d.More() {
		return nil, errors.New("the body holds more than one JSON value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("the body is not a JSON object")
	}
	return m, nil
}

// jsonResponse marshals v as the body of a response with status and content
// type ct. Every value marshalled here comes from decoded JSON or from the
// store itself, so marshalling cannot fail; if it did, the answer is a 500
// rather than a panic.
func jsonResponse(status int, ct string, v any) Response {
	b, err := json.Marshal(v)
	if err != nil {
		return Response{Status: http.StatusInternalServerError, Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: []byte("store: cannot encode the response\n")}
	}
	return Response{Status: status, Header: http.Header{"Content-Type": {ct}}, Body: b}
}

// cloneValue deep-copies a decoded JSON value, so stored state never
// aliases a request or a response.
func cloneValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return cloneMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = cloneValue(e)
		}
		return out
	default:
		return v
	}
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

// keyCI returns the key of m that equals name ignoring case (SCIM attribute
// names are case-insensitive, RFC 7643 §2.1), preferring an exact match.
func keyCI(m map[string]any, name string) (string, bool) {
	if _, ok := m[name]; ok {
		return name, true
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

// getCI returns the member of m named name, ignoring case.
func getCI(m map[string]any, name string) (any, bool) {
	k, ok := keyCI(m, name)
	if !ok {
		return nil, false
	}
	return m[k], true
}

// setCI sets the member of m named name, keeping the spelling of an existing
// member; a new member of a SCIM core attribute gets the schema's spelling.
func setCI(m map[string]any, name string, v any) {
	if k, ok := keyCI(m, name); ok {
		m[k] = v
		return
	}
	m[canonical(name)] = v
}

// canonical is the RFC 7643 spelling (§4.1, §4.2, §2.4, §3.1) of a core
// attribute or sub-attribute name, or name itself.
func canonical(name string) string {
	for _, c := range [...]string{"userName", "displayName", "nickName", "profileUrl", "userType",
		"preferredLanguage", "phoneNumbers", "x509Certificates", "externalId", "familyName", "givenName",
		"middleName", "honorificPrefix", "honorificSuffix", "streetAddress", "postalCode",
		"title", "locale", "timezone", "active", "emails", "ims", "photos", "addresses", "entitlements",
		"roles", "members", "schemas", "value", "display", "type", "primary", "formatted", "locality",
		"region", "country", "name"} {
		if strings.EqualFold(c, name) {
			return c
		}
	}
	return name
}

// deleteCI removes the member of m named name, ignoring case.
func deleteCI(m map[string]any, name string) {
	if k, ok := keyCI(m, name); ok {
		delete(m, k)
	}
}
