package bench

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/auth0/go-auth0/management"
	"github.com/mgmtapi/mgmtapi/auth0/users"
	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
)

func response(body []byte) *http.Response {
	return &http.Response{
		StatusCode: 200,
		Header:     http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
	}
}

// decodeOurs is what the front door's GetUsersWithTotals does with a users
// page: frontdoor.Decode into the offset-paginated variant the request
// asked for.
func decodeOurs(body []byte) (users.ListUsersOffsetPaginatedResponseContent, error) {
	var v users.ListUsersOffsetPaginatedResponseContent
	err := frontdoor.Decode(response(body), nil, &v)
	return v, err
}

// decodeRaw is what a caller of the generated client underneath does:
// parse the response and take the offset-paginated variant of the union.
func decodeRaw(body []byte) (users.ListUsersOffsetPaginatedResponseContent, error) {
	r, err := users.ParseGetUsersResponse(response(body))
	if err != nil {
		return users.ListUsersOffsetPaginatedResponseContent{}, err
	}
	return r.JSON200.AsListUsersOffsetPaginatedResponseContent()
}

// decodeV1 is what go-auth0 v1 does: read the body, decode a
// management.UserList.
func decodeV1(body []byte) (management.UserList, error) {
	rsp := response(body)
	defer rsp.Body.Close()
	b, err := io.ReadAll(rsp.Body)
	if err != nil {
		return management.UserList{}, err
	}
	var l management.UserList
	err = json.Unmarshal(b, &l)
	return l, err
}

// TestSamePage checks that every side decodes the whole page, so the
// benchmark compares equal work, and that ours keeps what v1 drops.
func TestSamePage(t *testing.T) {
	page := usersPage(100, true)
	v1, err := decodeV1(page)
	if err != nil {
		t.Fatal(err)
	}
	for name, decode := range map[string]func([]byte) (users.ListUsersOffsetPaginatedResponseContent, error){"frontdoor": decodeOurs, "raw": decodeRaw} {
		ours, err := decode(page)
		if err != nil {
			t.Fatal(name, err)
		}
		if ours.Users == nil || len(*ours.Users) != 100 || len(v1.Users) != 100 {
			t.Fatalf("%s: decoded %v and %d users, want 100", name, ours.Users, len(v1.Users))
		}
		for i, u := range *ours.Users {
			w := v1.Users[i]
			if *u.Email != *w.Email || !u.CreatedAt.Equal(*w.CreatedAt) || *u.Name != *w.Name {
				t.Fatalf("%s: user %d differs: %v/%v", name, i, *u.Email, *w.Email)
			}
			if _, ok := u.AdditionalProperties["risk_score"]; !ok {
				t.Fatalf("%s: user %d: undeclared risk_score not kept", name, i)
			}
		}
		out, err := json.Marshal(ours)
		if err != nil {
			t.Fatal(err)
		}
		// Lossless: the page re-encodes to the same members with the same
		// values (number text and date-times as written; member order is
		// the schema's).
		if a, b := canonical(t, page), canonical(t, out); a != b {
			t.Errorf("%s: re-encoded page differs from the page", name)
		}
	}
}

// BenchmarkDecodeUsersPage decodes one 100-user page: mgmtapi's front door
// and generated client (lossless) and go-auth0 v1 (v1.10.0,
// management.UserList), in one run; then the same page with one undeclared
// member per user, which mgmtapi keeps (v1 drops it). The ogen rows are in
// ogen_test.go (build tag ogen, make bench-decode).
func BenchmarkDecodeUsersPage(b *testing.B) {
	for _, undeclared := range []bool{false, true} {
		name := ""
		if undeclared {
			name = "undeclared/"
		}
		page := usersPage(100, undeclared)
		b.Run(name+"mgmtapi", func(b *testing.B) { benchDecode(b, page, decodeOurs) })
		b.Run(name+"mgmtapi-raw", func(b *testing.B) { benchDecode(b, page, decodeRaw) })
		b.Run(name+"go-auth0-v1", func(b *testing.B) { benchDecode(b, page, decodeV1) })
	}
}

func benchDecode[T any](b *testing.B, page []byte, decode func([]byte) (T, error)) {
	b.SetBytes(int64(len(page)))
	loop(b, func() error {
		_, err := decode(page)
		return err
	})
}

// canonical re-encodes a JSON document with sorted members and numbers as
// written.
func canonical(t testing.TB, doc []byte) string {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
