package scim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/scim"
)

// fakeClock advances only when the Bulker sleeps.
type fakeClock struct {
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

// recorder is a Send that answers every operation with 201 (POST) or 204
// and records the requests and when they were sent.
type recorder struct {
	clock *fakeClock
	reqs  []scim.BulkRequest
	at    []time.Duration
	start time.Time
}

func (r *recorder) send(_ context.Context, req scim.BulkRequest) (scim.BulkResponse, error) {
	r.reqs = append(r.reqs, req)
	r.at = append(r.at, r.clock.now.Sub(r.start))
	var resp scim.BulkResponse
	for _, op := range req.Operations {
		status := scim.BulkStatus(204)
		if op.Method == "POST" {
			status = 201
		}
		resp.Operations = append(resp.Operations, scim.BulkOperationResponse{Method: op.Method, BulkID: op.BulkID, Status: status})
	}
	return resp, nil
}

func users(n int) []scim.BulkOperation {
	ops := make([]scim.BulkOperation, n)
	for i := range ops {
		ops[i] = scim.BulkOperation{Method: "POST", Path: "/Users", BulkID: fmt.Sprintf("u%d", i), Data: map[string]any{"userName": fmt.Sprintf("u%d@example.com", i)}}
	}
	return ops
}

func newRecorder() (*recorder, *fakeClock) {
	c := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return &recorder{clock: c, start: c.now}, c
}

func TestBulkerSplitsAtAsgardeosDefault(t *testing.T) {
	rec, clock := newRecorder()
	b := &scim.Bulker{Send: rec.send, Clock: clock, FailOnErrors: 3}
	results, err := b.Run(context.Background(), users(2500))
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, r := range rec.reqs {
		sizes = append(sizes, len(r.Operations))
		if r.FailOnErrors != 3 || !slices.Equal(r.Schemas, []string{scim.BulkRequestSchema}) {
			t.Errorf("request: failOnErrors %d schemas %v", r.FailOnErrors, r.Schemas)
		}
	}
	if !slices.Equal(sizes, []int{1000, 1000, 500}) {
		t.Errorf("request sizes = %v", sizes)
	}
	if len(clock.sleeps) != 0 {
		t.Errorf("3 requests are within 5 per minute, slept %v", clock.sleeps)
	}
	if len(results) != 2500 || results[2499].Operation.BulkID != "u2499" || !results[2499].OK() || results[2499].Response.Status != 201 {
		t.Errorf("results: %d, last %+v", len(results), results[len(results)-1])
	}
}

func TestBulkerPaces(t *testing.T) {
	rec, clock := newRecorder()
	b := &scim.Bulker{Send: rec.send, Clock: clock, MaxOperations: 1}
	if _, err := b.Run(context.Background(), users(12)); err != nil {
		t.Fatal(err)
	}
	m := time.Minute
	if want := []time.Duration{0, 0, 0, 0, 0, m, m, m, m, m, 2 * m, 2 * m}; !slices.Equal(rec.at, want) {
		t.Errorf("sent at %v, want %v", rec.at, want)
	}
	if want := []time.Duration{m, m}; !slices.Equal(clock.sleeps, want) {
		t.Errorf("slept %v, want %v", clock.sleeps, want)
	}
	// Configurable: 2 requests per 10 s.
	rec, clock = newRecorder()
	b = &scim.Bulker{Send: rec.send, Clock: clock, MaxOperations: 2, Requests: 2, Per: 10 * time.Second}
	if _, err := b.Run(context.Background(), users(9)); err != nil {
		t.Fatal(err)
	}
	s := time.Second
	if want := []time.Duration{0, 0, 10 * s, 10 * s, 20 * s}; !slices.Equal(rec.at, want) {
		t.Errorf("sent at %v, want %v", rec.at, want)
	}
}

func TestBulkerResults(t *testing.T) {
	ops := []scim.BulkOperation{
		{Method: "POST", Path: "/Users", BulkID: "kim", Data: map[string]any{"userName": "kim"}},
		{Method: "PATCH", Path: "/Groups/g1", Data: map[string]any{"Operations": []any{map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": "bulkId:kim"}}}}}},
		{Method: "DELETE", Path: "/Users/u1"},
		{Method: "DELETE", Path: "/Users/u2"},
		{Method: "POST", Path: "/Users", BulkID: "lee", Data: map[string]any{"userName": "lee"}},
	}
	send := func(_ context.Context, req scim.BulkRequest) (scim.BulkResponse, error) {
		// Results in another order than the request for the bulkIds, one
		// DELETE failed, the last POST has no result (failOnErrors).
		return scim.BulkResponse{Operations: []scim.BulkOperationResponse{
			{Method: "PATCH", Status: 200},
			{Method: "POST", BulkID: "kim", Status: 201, Location: "https://example.com/Users/1"},
			{Method: "DELETE", Status: 204},
			{Method: "DELETE", Status: 404, Response: json.RawMessage(`{"status":"404","detail":"no user u2"}`)},
		}}, nil
	}
	_, clock := newRecorder()
	results, err := (&scim.Bulker{Send: send, Clock: clock}).Run(context.Background(), ops)
	if err != nil {
		t.Fatal(err)
	}
	if !results[0].OK() || results[0].Response.Location != "https://example.com/Users/1" {
		t.Errorf("kim: %+v", results[0])
	}
	if !results[1].OK() || results[1].Response.Status != 200 || !results[2].OK() {
		t.Errorf("patch/delete: %+v %+v", results[1], results[2])
	}
	var opErr *scim.BulkOperationError
	if !errors.As(results[3].Err, &opErr) || opErr.Status != 404 || !strings.Contains(string(opErr.Response), "no user u2") {
		t.Errorf("failed delete: %+v", results[3])
	}
	if !errors.Is(results[4].Err, scim.ErrNoBulkResult) || results[4].Response != nil {
		t.Errorf("unprocessed POST: %+v", results[4])
	}
}

func TestBulkerStopsOnARequestError(t *testing.T) {
	boom := errors.New("503 from the server")
	calls := 0
	send := func(_ context.Context, req scim.BulkRequest) (scim.BulkResponse, error) {
		calls++
		if calls == 2 {
			return scim.BulkResponse{}, boom
		}
		var resp scim.BulkResponse
		for _, op := range req.Operations {
			resp.Operations = append(resp.Operations, scim.BulkOperationResponse{Method: op.Method, BulkID: op.BulkID, Status: 201})
		}
		return resp, nil
	}
	_, clock := newRecorder()
	results, err := (&scim.Bulker{Send: send, Clock: clock, MaxOperations: 2}).Run(context.Background(), users(6))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if calls != 2 || len(results) != 4 || !results[1].OK() || !errors.Is(results[2].Err, boom) || !errors.Is(results[3].Err, boom) {
		t.Errorf("calls %d, results %+v", calls, results)
	}
}

func TestBulkerRejects(t *testing.T) {
	send := func(context.Context, scim.BulkRequest) (scim.BulkResponse, error) {
		t.Error("nothing may be sent")
		return scim.BulkResponse{}, nil
	}
	split := append(users(2), scim.BulkOperation{Method: "PATCH", Path: "/Groups/g", Data: map[string]any{"value": "bulkId:u0"}})
	tests := []struct {
		name string
		b    scim.Bulker
		ops  []scim.BulkOperation
		want string
	}{
		{"no Send", scim.Bulker{}, users(1), "Send is nil"},
		{"negative limit", scim.Bulker{Send: send, MaxOperations: -1}, users(1), "negative"},
		{"bad method", scim.Bulker{Send: send}, []scim.BulkOperation{{Method: "GET", Path: "/Users"}}, "method"},
		{"relative path", scim.Bulker{Send: send}, []scim.BulkOperation{{Method: "DELETE", Path: "Users/1"}}, "must start with /"},
		{"POST without bulkId", scim.Bulker{Send: send}, []scim.BulkOperation{{Method: "POST", Path: "/Users"}}, "needs a bulkId"},
		{"duplicate bulkId", scim.Bulker{Send: send}, append(users(1), users(1)...), "used twice"},
		{"reference across requests", scim.Bulker{Send: send, MaxOperations: 2}, split, `refers to bulkId "u0"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.b.Run(context.Background(), tt.ops)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
	// The same job in one request is fine.
	rec, clock := newRecorder()
	if _, err := (&scim.Bulker{Send: rec.send, Clock: clock, MaxOperations: 3}).Run(context.Background(), split); err != nil {
		t.Errorf("one request: %v", err)
	}
}

func TestBulkerHonoursContext(t *testing.T) {
	rec, clock := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := (&scim.Bulker{Send: rec.send, Clock: clock}).Run(ctx, users(1))
	if !errors.Is(err, context.Canceled) || len(rec.reqs) != 0 {
		t.Errorf("err = %v, %d requests sent", err, len(rec.reqs))
	}
}

func TestBulkStatus(t *testing.T) {
	tests := []struct {
		in   string
		want scim.BulkStatus
		err  bool
	}{
		{`"201"`, 201, false},
		{`409`, 409, false},
		{`{"code": 201}`, 201, false},
		{`{"code": "204"}`, 204, false},
		{`"abc"`, 0, true},
		{`{"code": 99}`, 0, true},
		{`[]`, 0, true},
	}
	for _, tt := range tests {
		var s scim.BulkStatus
		err := json.Unmarshal([]byte(tt.in), &s)
		if (err != nil) != tt.err || s != tt.want {
			t.Errorf("%s: got %d, %v", tt.in, s, err)
		}
	}
	b, _ := json.Marshal(scim.BulkStatus(201))
	if string(b) != `"201"` {
		t.Errorf("encodes as %s", b)
	}
	b, _ = json.Marshal(scim.BulkRequest{Operations: []scim.BulkOperation{{Method: "DELETE", Path: "/Users/1"}}})
	if want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"DELETE","path":"/Users/1"}]}`; string(b) != want {
		t.Errorf("request encodes as %s", b)
	}
}

// failingServer is a Send that fails the operations whose path ends in
// "/missing" (404) and honours failOnErrors as RFC 7644 §3.7.3 says: after
// that many errors it processes no further operation of the request.
type failingServer struct {
	reqs []scim.BulkRequest
}

func (f *failingServer) send(_ context.Context, req scim.BulkRequest) (scim.BulkResponse, error) {
	f.reqs = append(f.reqs, req)
	var resp scim.BulkResponse
	errs := 0
	for _, op := range req.Operations {
		if req.FailOnErrors > 0 && errs >= req.FailOnErrors {
			break
		}
		status := scim.BulkStatus(201)
		if strings.HasSuffix(op.Path, "/missing") {
			status, errs = 404, errs+1
		}
		resp.Operations = append(resp.Operations, scim.BulkOperationResponse{Method: op.Method, BulkID: op.BulkID, Status: status})
	}
	return resp, nil
}

// FailOnErrors holds for the whole job, not per request: one failure in
// the first request and one in the second use up FailOnErrors 2, so the
// second request carries failOnErrors 1 and the third is never sent.
func TestBulkerFailOnErrorsAcrossRequests(t *testing.T) {
	ops := []scim.BulkOperation{
		{Method: "POST", Path: "/Users", BulkID: "ann", Data: map[string]any{"userName": "ann"}},
		{Method: "DELETE", Path: "/Users/missing"},
		{Method: "DELETE", Path: "/Users/missing"},
		{Method: "POST", Path: "/Users", BulkID: "bob", Data: map[string]any{"userName": "bob"}},
		{Method: "POST", Path: "/Users", BulkID: "cid", Data: map[string]any{"userName": "cid"}},
		{Method: "POST", Path: "/Users", BulkID: "dan", Data: map[string]any{"userName": "dan"}},
	}
	srv := &failingServer{}
	_, clock := newRecorder()
	results, err := (&scim.Bulker{Send: srv.send, Clock: clock, MaxOperations: 2, FailOnErrors: 2}).Run(context.Background(), ops)
	if !errors.Is(err, scim.ErrBulkStopped) || !strings.Contains(err.Error(), "operations 5-6 were not sent") {
		t.Fatalf("err = %v, want ErrBulkStopped naming operations 5-6", err)
	}
	var sent []int
	for _, r := range srv.reqs {
		sent = append(sent, r.FailOnErrors)
	}
	if !slices.Equal(sent, []int{2, 1}) {
		t.Errorf("requests carried failOnErrors %v, want [2 1] and no third request", sent)
	}
	if len(results) != 4 || !results[0].OK() || results[1].OK() || results[2].OK() || !errors.Is(results[3].Err, scim.ErrNoBulkResult) {
		t.Errorf("results %+v", results)
	}

	// Below the limit every request is sent, each with what is left.
	srv = &failingServer{}
	results, err = (&scim.Bulker{Send: srv.send, Clock: clock, MaxOperations: 2, FailOnErrors: 3}).Run(context.Background(), ops)
	if err != nil || len(results) != 6 || len(srv.reqs) != 3 || srv.reqs[2].FailOnErrors != 1 {
		t.Errorf("FailOnErrors 3: err %v, %d results, %d requests", err, len(results), len(srv.reqs))
	}
	// The limit reached by the last request ends the job normally.
	srv = &failingServer{}
	if _, err := (&scim.Bulker{Send: srv.send, Clock: clock, MaxOperations: 2, FailOnErrors: 2}).Run(context.Background(), ops[:4]); err != nil {
		t.Errorf("limit reached in the last request: %v", err)
	}
	if _, err := (&scim.Bulker{Send: srv.send, FailOnErrors: -1}).Run(context.Background(), ops); err == nil {
		t.Error("negative FailOnErrors accepted")
	}
}

// A reference to a bulkId in another request is found whatever characters
// the id holds: JSON escapes (", \, <, >, &, control), /, spaces, unicode,
// in the path or anywhere in the data; one within the same request is not
// refused.
func TestBulkerFindsEveryReference(t *testing.T) {
	send := func(context.Context, scim.BulkRequest) (scim.BulkResponse, error) {
		t.Error("nothing may be sent")
		return scim.BulkResponse{}, nil
	}
	ids := []string{`a"b`, `back\slash`, `x/y`, `sp ace`, `k<m>&n`, "tab\tid", "ünï-☃", `end}`, `q'`, `a,b`, "u0"}
	for _, id := range ids {
		for _, where := range []string{"data", "nested data", "path", "key"} {
			ref := scim.BulkOperation{Method: "PATCH", Path: "/Groups/g"}
			switch where {
			case "data":
				ref.Data = map[string]any{"value": "bulkId:" + id}
			case "nested data":
				ref.Data = map[string]any{"Operations": []any{map[string]any{"op": "add", "value": []any{map[string]any{"value": "bulkId:" + id, "$ref": "x"}}}}}
			case "path":
				ref.Path = "/Users/bulkId:" + id
			case "key":
				ref.Data = map[string]any{"bulkId:" + id: true}
			}
			ops := []scim.BulkOperation{
				{Method: "POST", Path: "/Users", BulkID: id, Data: map[string]any{"userName": "x"}},
				{Method: "DELETE", Path: "/Users/1"},
				ref,
			}
			_, err := (&scim.Bulker{Send: send, MaxOperations: 2}).Run(context.Background(), ops)
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("refers to bulkId %q", id)) {
				t.Errorf("id %q in %s: err = %v", id, where, err)
			}
			// In one request the same job is accepted.
			rec, clock := newRecorder()
			if _, err := (&scim.Bulker{Send: rec.send, Clock: clock, MaxOperations: 3}).Run(context.Background(), ops); err != nil {
				t.Errorf("id %q in %s, one request: %v", id, where, err)
			}
		}
	}
	// An id that merely starts like another one's reference is no
	// reference to a later request's id it does not name.
	rec, clock := newRecorder()
	ops := []scim.BulkOperation{
		{Method: "POST", Path: "/Users", BulkID: "kim", Data: map[string]any{"userName": "kim"}},
		{Method: "PATCH", Path: "/Groups/g", Data: map[string]any{"value": "bulkId:kim"}},
		{Method: "POST", Path: "/Users", BulkID: "kimberly", Data: map[string]any{"userName": "kimberly"}},
	}
	if _, err := (&scim.Bulker{Send: rec.send, Clock: clock, MaxOperations: 2}).Run(context.Background(), ops); err != nil {
		t.Errorf("a reference to kim in kim's request: %v", err)
	}
}
