package oteltest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
	umbraco18 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco18"
	"github.com/mgmtapi/mgmtapi/option"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// family is one API family's representative get-by-id operation.
type family struct {
	api  string
	span string // the span name: "{method} {url.template}"
	opID string
	// connect builds the API on the server at base.
	connect func(t *testing.T, ts tokenServers, base string, opts ...option.Option) any
	// call makes the operation's call.
	call func(ctx context.Context, a any) error
	ok   any    // the 200 body
	nf   any    // the 404 body
	code string // the vendor's error code in nf, "" when it sends none
}

// query is a query value some calls send; it must never be recorded.
const query = "oteltest-query-value-7f3a9c"

var userID = uuid.MustParse("2d3c5b1e-0000-4000-8000-000000000001")

func families() []family {
	umbracoNF := map[string]any{"type": "Error", "title": "The user could not be found", "status": 404, "operationStatus": "UserNotFound"}
	closer := func(t *testing.T, c interface{ Close() error }) { t.Cleanup(func() { c.Close() }) }
	return []family{
		{
			api: "auth0", span: "GET /users/{id}", opID: "get_users_by_id",
			connect: func(t *testing.T, ts tokenServers, base string, opts ...option.Option) any {
				c, err := auth0.NewAPI(domain, auth0ID, secret, append([]option.Option{option.WithBaseURL(base), option.WithTokenURL(ts.auth0.TokenURL)}, opts...)...)
				if err != nil {
					t.Fatal(err)
				}
				closer(t, c)
				return c
			},
			call: func(ctx context.Context, a any) error {
				_, err := a.(*auth0.API).GetUsersById(ctx, "auth0|1", &auth0.GetUsersByIdParams{Fields: new(query)})
				return err
			},
			ok:   map[string]any{"user_id": "auth0|1"},
			nf:   map[string]any{"statusCode": 404, "error": "Not Found", "message": "The user does not exist.", "errorCode": "inexistent_user"},
			code: "inexistent_user",
		},
		{
			api: "umbraco17", span: "GET /umbraco/management/api/v1/user/{id}", opID: "GetUserById",
			connect: func(t *testing.T, ts tokenServers, base string, opts ...option.Option) any {
				c, err := umbraco17.NewAPI(base, umbracoID, secret, append([]option.Option{option.WithTokenURL(ts.umbraco.TokenURL)}, opts...)...)
				if err != nil {
					t.Fatal(err)
				}
				closer(t, c)
				return c
			},
			call: func(ctx context.Context, a any) error {
				_, err := a.(*umbraco17.API).GetUserById(ctx, userID)
				return err
			},
			ok: map[string]any{"id": userID.String(), "name": "Ada"}, nf: umbracoNF, code: "UserNotFound",
		},
		{
			api: "umbraco18", span: "GET /umbraco/management/api/v1/user/{id}", opID: "GetUserById",
			connect: func(t *testing.T, ts tokenServers, base string, opts ...option.Option) any {
				c, err := umbraco18.NewAPI(base, umbracoID, secret, append([]option.Option{option.WithTokenURL(ts.umbraco.TokenURL)}, opts...)...)
				if err != nil {
					t.Fatal(err)
				}
				closer(t, c)
				return c
			},
			call: func(ctx context.Context, a any) error {
				_, err := a.(*umbraco18.API).GetUserById(ctx, userID)
				return err
			},
			ok: map[string]any{"id": userID.String(), "name": "Ada"}, nf: umbracoNF, code: "UserNotFound",
		},
		{
			api: "scimusers", span: "GET /Users/{id}", opID: "getUser",
			connect: func(t *testing.T, ts tokenServers, base string, opts ...option.Option) any {
				c, err := scimusers.NewAPI(org, asgardeoID, secret, append([]option.Option{option.WithBaseURL(base + "/t/" + org),
					option.WithTokenURL(ts.asgardeo.TokenURL), option.WithScopes(asgardeoScopes...)}, opts...)...)
				if err != nil {
					t.Fatal(err)
				}
				closer(t, c)
				return c
			},
			call: func(ctx context.Context, a any) error {
				_, err := a.(*scimusers.API).GetUser(ctx, "u-1", &scimusers.GetUserParams{Attributes: new(query)})
				return err
			},
			ok: map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "id": "u-1", "userName": "ada"},
			// WSO2 sends no scimType with a 404.
			nf: map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"}, "status": "404", "detail": "Specified resource (e.g., User) or endpoint does not exist."},
		},
		{
			api: "applications", span: "GET /applications/{applicationId}", opID: "getApplication",
			connect: func(t *testing.T, ts tokenServers, base string, opts ...option.Option) any {
				c, err := applications.NewAPI(org, asgardeoID, secret, append([]option.Option{option.WithBaseURL(base + "/t/" + org),
					option.WithTokenURL(ts.asgardeo.TokenURL), option.WithScopes(asgardeoScopes...)}, opts...)...)
				if err != nil {
					t.Fatal(err)
				}
				closer(t, c)
				return c
			},
			call: func(ctx context.Context, a any) error {
				_, err := a.(*applications.API).GetApplication(ctx, "app-1")
				return err
			},
			ok:   map[string]any{"id": "app-1", "name": "Portal"},
			nf:   map[string]any{"code": "APP-60006", "message": "Resource not found.", "description": "Cannot find an application with the given id.", "traceId": "00000000-0000-0000-0000-000000000000"},
			code: "APP-60006",
		},
	}
}

// fault is the scenario a server plays for one call.
type fault struct {
	name     string
	status   int  // the call's final status
	requests int  // requests the server must receive
	resend   int  // http.request.resend_count, 0 when absent
	failed   bool // the call fails (404)
	event    string
}

var faults = []fault{
	{name: "success", status: 200, requests: 1, event: "mgmtapi.auth.token.wait"},
	{name: "429 retried", status: 200, requests: 2, resend: 1, event: "mgmtapi.retry.wait"},
	{name: "401 replayed", status: 200, requests: 2, resend: 1, event: "mgmtapi.auth.token.wait"},
	{name: "404", status: 404, requests: 1, failed: true},
}

// TestFamilies shows, for each API family, the span, its attributes and
// events, and the duration metric of a success, a 429 retried, a 401
// replayed with a new token, and a 404, against what the server received.
func TestFamilies(t *testing.T) {
	ts := startTokens(t)
	for _, f := range families() {
		for _, fl := range faults {
			t.Run(f.api+"/"+fl.name, func(t *testing.T) {
				var n atomic.Int32
				w := newWire(t, func(rw http.ResponseWriter, r *http.Request) {
					i := n.Add(1)
					switch {
					case fl.name == "429 retried" && i == 1:
						rw.Header().Set("Retry-After", "0")
						writeJSON(rw, 429, map[string]any{"message": "Too many requests"})
					case fl.name == "401 replayed" && i == 1:
						writeJSON(rw, 401, map[string]any{"message": "Invalid token"})
					case fl.name == "404":
						writeJSON(rw, 404, f.nf)
					default:
						writeJSON(rw, 200, f.ok)
					}
				})
				rec := newRecorder(t)
				a := f.connect(t, ts, w.URL, rec.options()...)
				err := f.call(t.Context(), a)
				if (err != nil) != fl.failed {
					t.Fatalf("call error %v, want failure %v", err, fl.failed)
				}
				reqs := w.requests()
				if len(reqs) != fl.requests {
					t.Fatalf("server received %d requests %q, want %d", len(reqs), reqs, fl.requests)
				}
				if fl.name == "401 replayed" {
					if toks := w.tokens(); len(toks) != 2 || toks[0] == toks[1] {
						t.Errorf("the replay did not carry a new token (%d tokens seen)", len(toks))
					}
				}

				spans := rec.spans()
				if len(spans) != 1 {
					t.Fatalf("%d spans, want 1: %v", len(spans), spans)
				}
				s := spans[0]
				if s.Name != f.span || s.SpanKind != trace.SpanKindClient {
					t.Errorf("span %q kind %v, want %q client", s.Name, s.SpanKind, f.span)
				}
				got := attrs(s.Attributes)
				u, _ := url.Parse(w.URL)
				method, template, _ := strings.Cut(f.span, " ")
				want := map[string]string{
					"http.request.method": method, "url.template": template,
					"server.address": u.Hostname(), "server.port": u.Port(),
					"http.response.status_code": strconv.Itoa(fl.status),
					"mgmtapi.operation.id":      f.opID, "mgmtapi.api": f.api,
				}
				if fl.resend > 0 {
					want["http.request.resend_count"] = strconv.Itoa(fl.resend)
				}
				if fl.failed {
					want["error.type"] = "404"
					if f.code != "" {
						want["mgmtapi.error.code"] = f.code
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("span attributes\n got %v\nwant %v", got, want)
				}
				wantStatus := codes.Unset
				if fl.failed {
					wantStatus = codes.Error
				}
				if s.Status.Code != wantStatus {
					t.Errorf("span status %v, want %v", s.Status.Code, wantStatus)
				}
				checkEvents(t, fl, s)

				pts := durations(rec.metrics(t))
				if len(pts) != 1 || pts[0].Count != 1 {
					t.Fatalf("duration points %v, want one of count 1", pts)
				}
				mwant := map[string]string{}
				for k, v := range want {
					if k != "http.request.resend_count" && k != "mgmtapi.error.code" {
						mwant[k] = v
					}
				}
				if mgot := attrs(pts[0].Attributes.ToSlice()); fmt.Sprint(mgot) != fmt.Sprint(mwant) {
					t.Errorf("metric attributes\n got %v\nwant %v", mgot, mwant)
				}
				if fmt.Sprint(pts[0].Bounds) != "[0.005 0.01 0.025 0.05 0.075 0.1 0.25 0.5 0.75 1 2.5 5 7.5 10]" {
					t.Errorf("bucket boundaries %v are not the semantic conventions'", pts[0].Bounds)
				}
				checkNoSecrets(t, rec, append(w.tokens(), secret, query)...)
			})
		}
	}
}

// checkEvents checks the wait events of the call's span.
func checkEvents(t *testing.T, fl fault, s tracetest.SpanStub) {
	t.Helper()
	count := map[string]int{}
	for _, e := range s.Events {
		count[e.Name]++
		a := attrs(e.Attributes)
		secs, err := strconv.ParseFloat(a["mgmtapi.wait.seconds"], 64)
		if err != nil || secs < 0 || secs > 60 {
			t.Errorf("event %s: wait %q is not a bounded number of seconds", e.Name, a["mgmtapi.wait.seconds"])
		}
		if e.Name == "mgmtapi.retry.wait" && (a["http.response.status_code"] != "429" || a["mgmtapi.retry.number"] != "1") {
			t.Errorf("retry event %v, want the 429 retried once", a)
		}
	}
	// Each call's connection is new: its first request waits for a token.
	want := map[string]int{"mgmtapi.auth.token.wait": 1}
	switch fl.name {
	case "429 retried":
		want["mgmtapi.retry.wait"] = 1
	case "401 replayed":
		want["mgmtapi.auth.token.wait"] = 2 // the first token, then the replacement
	}
	if fmt.Sprint(count) != fmt.Sprint(want) {
		t.Errorf("events %v, want %v", count, want)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
