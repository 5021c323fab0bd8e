// Package kittest holds the checks every test kit runs on itself: one valid
// request for every operation of every API of a kit's server, planned by
// the module's one request synthesiser (internal/testkit/synth), each of
// which must get a schema-valid success answer (the server validates its own
// answers and fails the test otherwise).
package kittest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/testkit"
	"github.com/mgmtapi/mgmtapi/internal/testkit/synth"
)

// Token fetches an access token from s's token endpoint with its
// credentials (form body, credentials in the body).
func Token(t testing.TB, s *testkit.Server) string {
	t.Helper()
	tok, status := TokenWith(t, s, s.ClientID(), s.ClientSecret())
	if status != http.StatusOK {
		t.Fatalf("token endpoint answered %d to the right credentials", status)
	}
	return tok
}

// TokenWith asks s's token endpoint for a token with the given credentials
// and returns the token and the status.
func TokenWith(t testing.TB, s *testkit.Server, id, secret string) (string, int) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	resp, err := http.PostForm(s.TokenURL(), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	b, _ := io.ReadAll(resp.Body)
	json.Unmarshal(b, &out)
	return out.AccessToken, resp.StatusCode
}

// op is one planned request.
type op struct {
	name, method, url string
	req               synth.Request
}

// EveryOperation sends one valid request for every operation of every API
// of s and fails t unless each is answered with a 2xx status, and for any
// operation no valid request could be planned for. It returns the number of
// operations exercised and the number the documents declare.
func EveryOperation(t *testing.T, s *testkit.Server) (exercised, total int) {
	t.Helper()
	tok := Token(t, s)
	var ops []op
	for _, d := range s.Documents() {
		sm := synth.Sampler{OAS31: d.Doc.IsOpenAPI31OrLater()}
		for path, item := range d.Doc.Paths.Map() {
			for method, o := range item.Operations() {
				total++
				pl := sm.Plan(d.Doc, path, o)
				name := fmt.Sprintf("%s %s%s (%s)", method, d.Base, path, o.OperationID)
				if pl.Skip != "" {
					t.Errorf("%s: no valid request could be planned: %s", name, pl.Skip)
					continue
				}
				u := s.URL() + d.Base + pl.Path
				if len(pl.Query) > 0 {
					u += "?" + pl.Query.Encode()
				}
				ops = append(ops, op{name: name, method: method, url: u, req: pl})
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].name < ops[j].name })
	var wg sync.WaitGroup
	next := make(chan op)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range next {
				if msg := send(o, tok); msg != "" {
					t.Errorf("%s: %s", o.name, msg)
				}
			}
		}()
	}
	for _, o := range ops {
		next <- o
	}
	close(next)
	wg.Wait()
	return len(ops), total
}

func send(o op, tok string) string {
	var body io.Reader = http.NoBody
	if o.req.Body != nil {
		body = bytes.NewReader(o.req.Body)
	}
	req, err := http.NewRequest(o.method, o.url, body)
	if err != nil {
		return err.Error()
	}
	for k, v := range o.req.Header {
		req.Header[k] = v
	}
	if o.req.ContentType != "" {
		req.Header.Set("Content-Type", o.req.ContentType)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	if resp.StatusCode/100 != 2 {
		return fmt.Sprintf("answered %d: %s", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return ""
}
