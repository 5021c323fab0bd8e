package wiretest

import (
	"net/url"
	"strings"
	"testing"

	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
)

// FuzzPathParameter: for any id, a generated request builder either refuses
// it (exactly for "", "." and "..") or puts it in exactly one path segment
// that decodes to the id, in a one-parameter and a two-parameter path.
func FuzzPathParameter(f *testing.F) {
	for _, s := range append(append([]string{}, refusedSegments...), keptSegments...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		refused := id == "" || id == "." || id == ".."
		r, err := scimusers.NewDeleteUserRequest("https://h.example/scim2/", id, nil)
		if refused != (err != nil) {
			t.Fatalf("NewDeleteUserRequest(%q): err = %v, refused = %v", id, err, refused)
		}
		if err == nil {
			checkSegment(t, r.URL.EscapedPath(), "/scim2/Users/", "", id)
		}
		r, err = auth0.NewDeleteCredentialsByCredentialIdRequest("https://t.example/api/v2/", id, "cred_1")
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
