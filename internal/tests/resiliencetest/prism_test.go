package resiliencetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/apierror"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	"github.com/mgmtapi/mgmtapi/internal/tests/contracttest"
	"github.com/mgmtapi/mgmtapi/paginate"
	"github.com/mgmtapi/mgmtapi/retry"
)

// stack is one API's Prism plus the client the packages are meant to be
// used with: retry outside auth, auth outside the contract checks.
type stack struct {
	env *contracttest.Env
	hc  *http.Client
	// raw is hc without the spec validator, for answers where Prism itself
	// breaks the spec (see TestUmbracoAgainstPrism).
	raw   *http.Client
	mu    sync.Mutex
	sent  []string // "METHOD path?query" per request that reached Prism
	retry int      // retries announced by the retry transport
}

func start(t *testing.T, api string) *stack {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Prism")
	}
	env, err := contracttest.Start(api)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.Close(); err != nil {
			t.Error(err)
		}
	})
	s := &stack{env: env}
	s.hc = s.client(env.Client(t).Transport)
	s.raw = s.client(http.DefaultTransport)
	return s
}

// client builds retry(auth(count(next))).
func (s *stack) client(next http.RoundTripper) *http.Client {
	counted := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		s.mu.Lock()
		s.sent = append(s.sent, r.Method+" "+r.URL.RequestURI())
		s.mu.Unlock()
		return next.RoundTrip(r)
	})
	return &http.Client{Transport: &retry.Transport{
		Base:      s.env.Source.Transport(counted),
		BaseDelay: 1, // 1ns: Prism sends no Retry-After; keep the test fast
		OnRetry:   func(retry.Event) { s.mu.Lock(); s.retry++; s.mu.Unlock() },
	}}
}

func (s *stack) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent...)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// get sends a GET to Prism with an optional Prefer header and returns the
// response with its body read, as a generated client would.
func (s *stack) get(t *testing.T, path, prefer string) (*http.Response, []byte) {
	t.Helper()
	return s.getWith(t, s.hc, path, prefer)
}

func (s *stack) getWith(t *testing.T, hc *http.Client, path, prefer string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.env.Prism.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if prefer != "" {
		req.Header.Set("Prefer", prefer)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func equal(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

// TestAuth0RateLimitAgainstPrism: Prism answers the documented 429 of
// GET /users/{id} every time. The transport makes exactly 1+2 requests
// (default MaxRetries), returns the last 429, and apierror describes it
// without the query value.
func TestAuth0RateLimitAgainstPrism(t *testing.T) {
	s := start(t, "auth0")
	resp, body := s.get(t, "/users/auth0%7C1?fields=SECRET-FIELD", "code=429")
	err := apierror.Check(resp, body)
	if apierror.StatusCode(err) != http.StatusTooManyRequests {
		t.Fatalf("err = %v, want a 429 *apierror.Error", err)
	}
	if strings.Contains(err.Error(), "SECRET-FIELD") || !strings.Contains(err.Error(), "fields=REDACTED") {
		t.Errorf("error text = %q, want the query value redacted", err)
	}
	want := []string{"GET /users/auth0%7C1?fields=SECRET-FIELD", "GET /users/auth0%7C1?fields=SECRET-FIELD", "GET /users/auth0%7C1?fields=SECRET-FIELD"}
	if got := s.requests(); !equal(got, want) || s.retry != 2 {
		t.Errorf("Prism saw %q with %d retries, want 3 requests and 2 retries", got, s.retry)
	}
}

// TestAuth0NotFoundNotRetried: a documented 404 is final: one request.
func TestAuth0NotFoundNotRetried(t *testing.T) {
	s := start(t, "auth0")
	resp, body := s.get(t, "/users/auth0%7C1", "code=404")
	if err := apierror.Check(resp, body); apierror.StatusCode(err) != http.StatusNotFound {
		t.Errorf("err = %v, want 404", err)
	}
	if got := s.requests(); len(got) != 1 || s.retry != 0 {
		t.Errorf("Prism saw %q with %d retries, want 1 request", got, s.retry)
	}
}

// TestUmbracoAgainstPrism: Umbraco's documented 404 is a ProblemDetails and
// parses as one; the user list's example (one item, and a total Prism fills
// with -9007199254740991) ends after one request instead of running away.
//
// The 404 goes around the spec validator: ProblemDetails declares
// "additionalProperties: {}" and Prism fills it with null members
// (property1, property2), which the validator rightly rejects under
// OpenAPI 3.0 rules. That is Prism's answer breaking the spec, not the
// client.
func TestUmbracoAgainstPrism(t *testing.T) {
	s := start(t, "umbraco17")
	resp, body := s.getWith(t, s.raw, "/umbraco/management/api/v1/user/3fa85f64-5717-4562-b3fc-2c963f66afa6", "code=404")
	err := apierror.Check(resp, body)
	var e *apierror.Error
	if !errors.As(err, &e) || e.Problem == nil || e.StatusCode != 404 || e.Method != http.MethodGet {
		t.Fatalf("err = %v (%+v), want a 404 with Problem", err, e)
	}

	users := paginate.SkipTake(context.Background(), 2, func(ctx context.Context, skip, take int) ([]json.RawMessage, int, error) {
		resp, body := s.get(t, fmt.Sprintf("/umbraco/management/api/v1/user?skip=%d&take=%d", skip, take), "")
		if err := apierror.Check(resp, body); err != nil {
			return nil, 0, err
		}
		var page struct {
			Total int64
			Items []json.RawMessage
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, 0, err
		}
		return page.Items, int(max(page.Total, -1)), nil
	})
	items, err := paginate.Collect(users)
	if err != nil || len(items) != 1 {
		t.Errorf("items %d, err %v; want 1, nil", len(items), err)
	}
	want := []string{
		"GET /umbraco/management/api/v1/user/3fa85f64-5717-4562-b3fc-2c963f66afa6",
		"GET /umbraco/management/api/v1/user?skip=0&take=2",
	}
	if got := s.requests(); !equal(got, want) {
		t.Errorf("Prism saw %q, want %q", got, want)
	}
}

// TestSCIMWithGeneratedClient drives the generated scimusers client: Checked
// reads the real generated response types, the SCIM iterator stops at the
// example's totalResults (1) after one request, and the documented 404 parses
// as a SCIM error although the example lacks the SCIM error URN.
func TestSCIMWithGeneratedClient(t *testing.T) {
	s := start(t, "scimusers")
	c, err := scimusers.NewClientWithResponses(s.env.Prism.URL, scimusers.WithHTTPClient(s.hc))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	users := paginate.SCIM(ctx, 50, func(ctx context.Context, startIndex, count int) ([]scimusers.UserResponseObject, int, error) {
		si, n := int32(startIndex), int32(count)
		res, err := apierror.Checked(c.ListUsersWithResponse(ctx, &scimusers.ListUsersParams{StartIndex: &si, Count: &n}))
		if err != nil {
			return nil, 0, err
		}
		if res.JSON200 == nil || res.JSON200.TotalResults == nil {
			return nil, 0, fmt.Errorf("unexpected list body %q", res.Body)
		}
		var page []scimusers.UserResponseObject
		if res.JSON200.Resources != nil { // omitted when totalResults is 0
			page = *res.JSON200.Resources
		}
		return page, *res.JSON200.TotalResults, nil
	})
	list, err := paginate.Collect(users)
	if err != nil || len(list) != 1 {
		t.Fatalf("users %d, err %v; want 1, nil", len(list), err)
	}

	prefer404 := func(_ context.Context, r *http.Request) error { r.Header.Set("Prefer", "code=404"); return nil }
	res, err := apierror.Checked(c.GetUserWithResponse(ctx, "no-such-user", nil, prefer404))
	var e *apierror.Error
	if !errors.As(err, &e) || e.SCIM == nil || e.SCIM.Status != 404 || e.Message == "" {
		t.Fatalf("err = %v (%+v), want a SCIM 404", err, e)
	}
	if res == nil || res.JSON404 == nil {
		t.Error("Checked must hand back the typed 404 body too")
	}
	want := []string{"GET /Users?startIndex=1&count=50", "GET /Users/no-such-user"}
	if got := s.requests(); !equal(got, want) {
		t.Errorf("Prism saw %q, want %q", got, want)
	}
}

// TestAsgardeoApplicationsErrorAgainstPrism: the Applications API's
// documented error body parses as an AsgardeoError.
func TestAsgardeoApplicationsErrorAgainstPrism(t *testing.T) {
	s := start(t, "applications")
	resp, body := s.get(t, "/applications/abc", "code=404")
	err := apierror.Check(resp, body)
	var e *apierror.Error
	if !errors.As(err, &e) || e.Asgardeo == nil || e.Code == "" || e.Asgardeo.TraceID == "" {
		t.Fatalf("err = %v (%+v), want an AsgardeoError", err, e)
	}
	if got := s.requests(); len(got) != 1 {
		t.Errorf("Prism saw %q, want 1 request", got)
	}
}
