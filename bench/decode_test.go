package bench

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/auth0/go-auth0/management"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
)

func response(body []byte) *http.Response {
	return &http.Response{
		StatusCode: 200,
		Header:     http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
	}
}

// decodeOurs is what a caller of gen/auth0 does with a users page: parse the
// response and take the offset-paginated variant of the union.
func decodeOurs(body []byte) (auth0.ListUsersOffsetPaginatedResponseContent, error) {
	r, err := auth0.ParseGetUsersResponse(response(body))
	if err != nil {
		return auth0.ListUsersOffsetPaginatedResponseContent{}, err
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

// TestSamePage checks that both sides decode the whole page, so the
// benchmark compares equal work, and that ours keeps what v1 drops.
func TestSamePage(t *testing.T) {
	page := usersPage(100, true)
	ours, err := decodeOurs(page)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := decodeV1(page)
	if err != nil {
		t.Fatal(err)
	}
	if ours.Users == nil || len(*ours.Users) != 100 || len(v1.Users) != 100 {
		t.Fatalf("decoded %v and %d users, want 100", ours.Users, len(v1.Users))
	}
	for i, u := range *ours.Users {
		w := v1.Users[i]
		if *u.Email != *w.Email || !u.CreatedAt.Equal(*w.CreatedAt) || *u.Name != *w.Name {
			t.Fatalf("user %d differs: %v/%v", i, *u.Email, *w.Email)
		}
		if _, ok := u.AdditionalProperties["risk_score"]; !ok {
			t.Fatalf("user %d: undeclared risk_score not kept", i)
		}
	}
	out, err := json.Marshal(ours)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(page, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	if ab, bb := mustJSON(t, a), mustJSON(t, b); ab != bb {
		t.Errorf("re-encoded page differs from the page")
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// BenchmarkDecodeUsersPage decodes one 100-user page: mgmtapi (lossless)
// and go-auth0 v1 (v1.10.0, management.UserList), in one run; then the same page with one
// undeclared member per user, which mgmtapi keeps (v1 drops it).
func BenchmarkDecodeUsersPage(b *testing.B) {
	for _, undeclared := range []bool{false, true} {
		name := ""
		if undeclared {
			name = "undeclared/"
		}
		page := usersPage(100, undeclared)
		b.Run(name+"mgmtapi", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if _, err := decodeOurs(page); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"go-auth0-v1", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if _, err := decodeV1(page); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
