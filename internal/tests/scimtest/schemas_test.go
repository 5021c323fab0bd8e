package scimtest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/apierror"
	scimschemas "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimschemas"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/option"
)

const (
	schemasClient = "scimtest-schemas"
	schemasSecret = "scimtest-secret-0123456789abcdef"
	coreUserURN   = "urn:ietf:params:scim:schemas:core:2.0:User"
)

// wso2UserSchema is the element charon's SchemaResourceManager puts in the
// JSON array it answers GET /Schemas/{id} with (trimmed to one attribute).
const wso2UserSchema = `{"id":"urn:ietf:params:scim:schemas:core:2.0:User","name":"User","description":"User Account",
"attributes":[{"name":"nickName","type":"STRING","multiValued":false,"required":false,"caseExact":false,
"mutability":"READ_WRITE","returned":"DEFAULT","uniqueness":"NONE"}]}`

// schemasAPI is the front door of scimschemas for the server at base,
// with tokens from a real oidc-provider. rt, when set, carries the
// requests (after the front door's own bearer token is set).
func schemasAPI(t *testing.T, base string, rt http.RoundTripper) *scimschemas.API {
	t.Helper()
	ts := testenv.TokenServerTB(t, testenv.TokenServerOptions{
		TokenPath: "/t/acme/oauth2/token", TTL: 300 * time.Second,
		Clients: []testenv.Client{{ID: schemasClient, Secret: schemasSecret, AuthMethod: testenv.AuthBasic}},
	})
	opts := []option.Option{option.WithBaseURL(base), option.WithTokenURL(ts.TokenURL), option.WithoutRetry()}
	if rt != nil {
		opts = append(opts, option.WithHTTPClient(&http.Client{Transport: rt}))
	}
	c, err := scimschemas.NewAPI("acme", schemasClient, schemasSecret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestSchemaByIDFrontDoor calls GetSchemaById, the front door, against a
// server answering as WSO2 does (the schema in a one-element JSON array,
// served by httptest: no WSO2 server runs here) and against the
// independent SCIM server, which answers the schema itself: both return
// the same SchemaObject. WSO2's 501 for an unknown id is a typed
// *apierror.Error, and an array of any other length is an error.
func TestSchemaByIDFrontDoor(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	wso2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.EscapedPath()+" "+r.Header.Get("Accept"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/scim+json")
		id, _ := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/t/acme/scim2/Schemas/"))
		switch id {
		case coreUserURN:
			w.Write([]byte("[" + wso2UserSchema + "]"))
		case "two":
			w.Write([]byte("[" + wso2UserSchema + "," + wso2UserSchema + "]"))
		case "none":
			w.Write([]byte("[]"))
		default:
			w.WriteHeader(http.StatusNotImplemented)
			w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],` +
				`"detail":"only user, enterprise, system, agent, and custom schema are supported","status":"501"}`))
		}
	}))
	t.Cleanup(wso2.Close)
	api := schemasAPI(t, wso2.URL+"/t/acme", nil) // the organisation root: the API adds /scim2

	check := func(t *testing.T, s scimschemas.SchemaObject) {
		t.Helper()
		attrs := deref(s.Attributes)
		if deref(s.Id) != coreUserURN || deref(s.Name) != "User" || len(attrs) == 0 {
			t.Errorf("schema: id %q name %q, %d attributes", deref(s.Id), deref(s.Name), len(attrs))
		}
	}

	t.Run("WSO2 one-element array", func(t *testing.T) {
		s, err := api.GetSchemaById(t.Context(), coreUserURN)
		if err != nil {
			t.Fatal(err)
		}
		check(t, s)
		if n := len(deref(s.Attributes)); n != 1 {
			t.Errorf("%d attributes, want the 1 sent", n)
		}
		mu.Lock()
		defer mu.Unlock()
		if want := "GET /t/acme/scim2/Schemas/" + coreUserURN + " application/scim+json"; len(seen) != 1 || seen[0] != want {
			t.Errorf("server received %q, want [%q]", seen, want)
		}
		seen = nil
	})

	t.Run("independent SCIM server, plain object", func(t *testing.T) {
		e := newEnv(t, testenv.SCIMServerOptions{})
		origin, err := url.Parse(e.srv.Origin)
		if err != nil {
			t.Fatal(err)
		}
		// The front door authenticates with the oidc-provider's token; the
		// SCIM server accepts only its own, which this transport puts in its
		// place for requests to it (the token endpoint is left alone).
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Host == origin.Host {
				r = r.Clone(r.Context())
				if err := e.srv.Authorize(r.Context(), r); err != nil {
					return nil, err
				}
			}
			return http.DefaultTransport.RoundTrip(r)
		})
		real := schemasAPI(t, e.srv.BaseURL, rt)
		s, err := real.GetSchemaById(t.Context(), coreUserURN)
		if err != nil {
			t.Fatal(err)
		}
		check(t, s)
		e.one(t, http.MethodGet, "/scim2/Schemas/"+coreUserURN, http.StatusOK)
	})

	t.Run("WSO2 501 for an unknown schema", func(t *testing.T) {
		_, err := api.GetSchemaById(t.Context(), "urn:example:unknown")
		var ae *apierror.Error
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusNotImplemented || ae.SCIM == nil || ae.SCIM.Status != 501 {
			t.Fatalf("err = %v, want *apierror.Error 501 with the SCIM error", err)
		}
	})

	for _, id := range []string{"two", "none"} {
		t.Run("array of "+id+" is an error", func(t *testing.T) {
			s, err := api.GetSchemaById(t.Context(), id)
			if err == nil || !strings.Contains(err.Error(), "want one") {
				t.Fatalf("GetSchemaById = %+v, %v; want an error naming the count", s, err)
			}
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
