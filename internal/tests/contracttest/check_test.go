package contracttest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/contract"
)

const tinySpec = `{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
  "security": [{"bearer": []}],
  "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok",
    "content": {"application/json": {"schema": {"type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}}}}}}}}}
}`

// TestCheckedTransport injects faults behind the checked client (httptest
// as the server): a token other than the Source's, a missing token, and a
// response that breaks the spec must each be reported, without the token.
func TestCheckedTransport(t *testing.T) {
	ts, err := StartTokenServer(Umbraco)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Close() })
	src, err := auth.New(ts.Config)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	spec, err := contract.Load(context.Background(), []byte(tinySpec))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{Source: src, contract: spec}

	tests := []struct {
		name   string
		auth   string // Authorization header; "source" = the Source's token
		body   string
		wantOK bool
		want   string
	}{
		{"source token, valid body", "source", `{"ok":true}`, true, ""},
		{"other token", "Bearer forged-token-123", `{"ok":true}`, false, "token mismatch: sent sha256:"},
		{"no token", "", `{"ok":true}`, false, "no Authorization header"},
		{"body breaks the spec", "source", `{"ok":"yes"}`, false, "contract: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/ping", nil)
			if err != nil {
				t.Fatal(err)
			}
			switch tt.auth {
			case "source":
				req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			case "":
			default:
				req.Header.Set("Authorization", tt.auth)
			}
			c := e.newChecked()
			resp, err := (&http.Client{Transport: c}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			sent, problems := c.result()
			all := strings.Join(problems, "\n")
			if sent != 1 || (len(problems) == 0) != tt.wantOK || !strings.Contains(all, tt.want) {
				t.Fatalf("sent %d, problems %q; want ok=%v and a problem containing %q", sent, all, tt.wantOK, tt.want)
			}
			if strings.Contains(all, tok.AccessToken) || strings.Contains(all, "forged-token-123") {
				t.Fatal("a problem shows a token")
			}
		})
	}
}
