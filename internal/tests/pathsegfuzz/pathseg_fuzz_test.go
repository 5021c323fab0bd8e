// Package pathsegfuzz fuzzes the one-segment rule of path parameters on two
// generated request builders. It is its own package so that the fuzzing
// binary holds only those two packages: in wiretest (every API) each input
// ran 20 times slower and a 5-second run under load could end mid-
// minimization ("context deadline exceeded").
package pathsegfuzz

import (
	"net/url"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/asgardeo/users"
	"github.com/mgmtapi/mgmtapi/auth0/clients"
)

// FuzzPathParameter: for any id, a generated request builder either refuses
// it (exactly for "", "." and "..") or puts it in exactly one path segment
// that decodes to the id, in a one-parameter and a two-parameter path.
func FuzzPathParameter(f *testing.F) {
	// The refused values; kept ones are in testdata/fuzz/FuzzPathParameter
	// (wiretest.TestPathSegments checks its own list on every API).
	for _, s := range []string{"", ".", "..", "a b", "a/b", "%2F", "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		refused := id == "" || id == "." || id == ".."
		r, err := users.NewDeleteUserRequest("https://h.example/scim2/", id, nil)
		if refused != (err != nil) {
			t.Fatalf("NewDeleteUserRequest(%q): err = %v, refused = %v", id, err, refused)
		}
		if err == nil {
			checkSegment(t, r.URL.EscapedPath(), "/scim2/Users/", "", id)
		}
		r, err = clients.NewDeleteCredentialsByCredentialIdRequest("https://t.example/api/v2/", id, "cred_1")
		if refused != (err != nil) {
			t.Fatalf("NewDeleteCredentialsByCredentialIdRequest(%q): err = %v", id, err)
		}
		if err == nil {
			checkSegment(t, r.URL.EscapedPath(), "/api/v2/clients/", "/credentials/cred_1", id)
		}
	})
}

// checkSegment requires path to be prefix, one segment decoding to id, suffix.
func checkSegment(t *testing.T, path, prefix, suffix, id string) {
	t.Helper()
	seg, ok := strings.CutPrefix(path, prefix)
	if ok {
		seg, ok = strings.CutSuffix(seg, suffix)
	}
	if !ok || strings.Contains(seg, "/") {
		t.Fatalf("id %q: path %q is not %s<one segment>%s", id, path, prefix, suffix)
	}
	if dec, err := url.PathUnescape(seg); err != nil || dec != id {
		t.Fatalf("id %q: segment %q decodes to %q (%v)", id, seg, dec, err)
	}
}
