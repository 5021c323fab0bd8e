package contract

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCheckRequest checks the server-side entry on what a server receives:
// a valid request routes with its parameters and body intact, an invalid one
// lists each violation with the operation, and the answer is checked too.
func TestCheckRequest(t *testing.T) {
	s := inline(t)
	recv := func(body string, hdr map[string]string) *http.Request {
		r := httptest.NewRequest("PUT", itemPath, strings.NewReader(body))
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		return r
	}
	auth := map[string]string{"Authorization": bearer, "Content-Type": "application/json"}

	r := recv(`{"name":"a"}`, auth)
	got, err := s.CheckRequest(r, WithBasePath("/base/{tenant}/v1"))
	if err != nil {
		t.Fatalf("valid request: %v", err)
	}
	if got.Operation() != "putItem" || got.Route().Path != "/items/{id}" || got.PathParams()["id"] != docID {
		t.Fatalf("routed to %q %q %v", got.Operation(), got.Route().Path, got.PathParams())
	}
	if b, _ := io.ReadAll(r.Body); string(b) != `{"name":"a"}` {
		t.Fatalf("body after the check = %q, want it intact for the handler", b)
	}
	okHdr := http.Header{"Content-Type": {"application/json"}, "X-Rate": {"3"}}
	if err := got.CheckResponse(200, okHdr, []byte(`{"id":"`+docID+`"}`)); err != nil {
		t.Fatalf("valid response: %v", err)
	}
	err = got.CheckResponse(200, okHdr, []byte(`{"id":7}`))
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Violations) != 1 || ce.Violations[0].Where != InResponse ||
		!strings.Contains(ce.Violations[0].Message, "/id") || ce.Violations[0].Operation != "putItem" {
		t.Fatalf("invalid response: %v", err)
	}

	got, err = s.CheckRequest(recv(`{"name":5,"extra":1}`, auth))
	if !errors.As(err, &ce) || got == nil {
		t.Fatalf("invalid request: got %v, %v", got, err)
	}
	msg := ce.Error()
	for _, want := range []string{"putItem", "request", "at /name", "must be a string", `"extra" is unsupported`} {
		if !strings.Contains(msg, want) {
			t.Errorf("violations %q do not mention %q", msg, want)
		}
	}

	got, err = s.CheckRequest(httptest.NewRequest("GET", "/nowhere", nil))
	if got != nil || !errors.As(err, &ce) || !strings.Contains(ce.Error(), "no operation for GET /nowhere") {
		t.Fatalf("unrouted request: %v, %v", got, err)
	}
	if _, err := (*Spec)(nil).CheckRequest(r); err == nil {
		t.Fatal("nil Spec: no error")
	}
	if s.Document() == nil || s.Document().Paths.Value("/items/{id}") == nil {
		t.Fatal("Document does not hold the paths")
	}
}
