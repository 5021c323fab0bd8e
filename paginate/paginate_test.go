package paginate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// server is a fake list API over items "u0".."u{n-1}", speaking each paging
// scheme. It records every request's query so tests assert exact request
// sequences, which proves no request goes past the end.
type server struct {
	config
	mu   sync.Mutex
	reqs []string
}

// config shapes a fake server's answers.
type config struct {
	n int
	// capSize caps the page size like servers that limit take (0: no cap).
	capSize int
	// claim overrides the reported total (a lying server) when non-nil.
	claim *int
	// failOn makes the request with this 1-based number answer 500 (0: never).
	failOn int
	// stuckNext makes checkpoint pages always answer next = this value.
	stuckNext string
	// noTotal omits the total (Auth0 without include_totals).
	noTotal bool
	// ignoreOffset serves the first page whatever the request asks for.
	ignoreOffset bool
	// growTotal reports a total that grows by 100 with every request.
	growTotal bool
	// nextOf overrides checkpoint next values: from -> next.
	nextOf map[string]string
	// reverseEven reverses the items of every even-numbered request.
	reverseEven bool
	// slide serves, for request k, the page-size window from item k-1
	// over the first page size + 1 items, wrapping around.
	slide bool
	// alternate serves the first page on odd-numbered requests and the
	// second on even ones, whatever the offset.
	alternate bool
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	s.reqs = append(s.reqs, r.URL.RawQuery)
	num := len(s.reqs)
	s.mu.Unlock()
	if num == s.failOn {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	atoi := func(k string) int { v, _ := strconv.Atoi(q.Get(k)); return v }
	var start, size int
	switch r.URL.Path {
	case "/skiptake":
		start, size = atoi("skip"), atoi("take")
	case "/page":
		start, size = atoi("page")*atoi("per_page"), atoi("per_page")
		if s.capSize > 0 {
			start = atoi("page") * min(size, s.capSize)
		}
	case "/scim":
		start, size = atoi("startIndex")-1, atoi("count")
	case "/checkpoint":
		if f := q.Get("from"); f != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(f, "cp"))
		}
		size = atoi("take")
	}
	if s.capSize > 0 {
		size = min(size, s.capSize)
	}
	if s.ignoreOffset {
		start = 0
	}
	if s.alternate {
		start = size * ((num - 1) % 2)
	}
	items := []string{}
	for i := max(start, 0); i < min(start+size, s.n); i++ {
		items = append(items, "u"+strconv.Itoa(i))
	}
	if s.slide {
		items = items[:0]
		for i := range size {
			items = append(items, "u"+strconv.Itoa((num-1+i)%(size+1)))
		}
	}
	if s.reverseEven && num%2 == 0 {
		slices.Reverse(items)
	}
	total := s.n
	if s.claim != nil {
		total = *s.claim
	}
	if s.growTotal {
		total = s.n + 100*num
	}
	out := map[string]any{}
	switch r.URL.Path {
	case "/skiptake":
		out["total"], out["items"] = total, items
	case "/page":
		out["users"] = items
		if !s.noTotal {
			out["total"] = total
		}
	case "/scim":
		out["totalResults"], out["Resources"], out["startIndex"] = total, items, start+1
	case "/checkpoint":
		out["members"] = items
		if end := start + len(items); end < s.n {
			out["next"] = "cp" + strconv.Itoa(end)
		}
		if s.stuckNext != "" {
			out["next"] = s.stuckNext
		}
		if next, ok := s.nextOf[q.Get("from")]; ok {
			out["next"] = next
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

func (s *server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

// get performs a real HTTP call and decodes the JSON answer, like a
// generated client would.
func get(ctx context.Context, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// adapters builds each scheme's iterator over a server URL.
var adapters = map[string]func(ctx context.Context, base string, size int, withTotal bool) iter.Seq2[string, error]{
	"SkipTake": func(ctx context.Context, base string, size int, _ bool) iter.Seq2[string, error] {
		return SkipTake(ctx, size, func(ctx context.Context, skip, take int) ([]string, int, error) {
			var r struct {
				Total int
				Items []string
			}
			err := get(ctx, fmt.Sprintf("%s/skiptake?skip=%d&take=%d", base, skip, take), &r)
			return r.Items, r.Total, err
		})
	},
	"PagePerPage": func(ctx context.Context, base string, size int, withTotal bool) iter.Seq2[string, error] {
		return PagePerPage(ctx, size, func(ctx context.Context, page, perPage int) ([]string, int, error) {
			var r struct {
				Total *int
				Users []string
			}
			err := get(ctx, fmt.Sprintf("%s/page?page=%d&per_page=%d&include_totals=%t", base, page, perPage, withTotal), &r)
			if r.Total == nil {
				return r.Users, -1, err
			}
			return r.Users, *r.Total, err
		})
	},
	"SCIM": func(ctx context.Context, base string, size int, _ bool) iter.Seq2[string, error] {
		return SCIM(ctx, size, func(ctx context.Context, startIndex, count int) ([]string, int, error) {
			var r struct {
				TotalResults int
				Resources    []string
			}
			err := get(ctx, fmt.Sprintf("%s/scim?startIndex=%d&count=%d", base, startIndex, count), &r)
			return r.Resources, r.TotalResults, err
		})
	},
	"Checkpoint": func(ctx context.Context, base string, size int, _ bool) iter.Seq2[string, error] {
		return Checkpoint(ctx, size, func(ctx context.Context, from string, take int) ([]string, string, error) {
			var r struct {
				Members []string
				Next    string
			}
			u := fmt.Sprintf("%s/checkpoint?take=%d", base, take)
			if from != "" {
				u += "&from=" + from
			}
			err := get(ctx, u, &r)
			return r.Members, r.Next, err
		})
	},
}

func intp(n int) *int { return &n }

func TestIterators(t *testing.T) {
	type want struct {
		items int      // items yielded before the end or the error
		reqs  []string // exact request queries, in order
		err   string   // substring of the yielded error, "" for none
	}
	tests := []struct {
		name    string
		adapter string
		srv     config
		size    int
		noTotal bool
		breakAt int // consumer breaks after this many items (0: never)
		want    want
	}{
		// Umbraco skip/take with total.
		{name: "exact multiple of the page size", adapter: "SkipTake", srv: config{n: 20}, size: 10,
			want: want{items: 20, reqs: []string{"skip=0&take=10", "skip=10&take=10"}}},
		{name: "empty first page", adapter: "SkipTake", srv: config{n: 0}, size: 10,
			want: want{items: 0, reqs: []string{"skip=0&take=10"}}},
		{name: "short last page", adapter: "SkipTake", srv: config{n: 25}, size: 10,
			want: want{items: 25, reqs: []string{"skip=0&take=10", "skip=10&take=10", "skip=20&take=10"}}},
		{name: "server caps take: short pages mid-way follow the total", adapter: "SkipTake", srv: config{n: 12, capSize: 5}, size: 10,
			want: want{items: 12, reqs: []string{"skip=0&take=10", "skip=5&take=10", "skip=10&take=10"}}},
		{name: "error on page 3 stops", adapter: "SkipTake", srv: config{n: 50, failOn: 3}, size: 10,
			want: want{items: 20, reqs: []string{"skip=0&take=10", "skip=10&take=10", "skip=20&take=10"}, err: "page 3: status 500"}},
		{name: "consumer break stops fetching", adapter: "SkipTake", srv: config{n: 50}, size: 10, breakAt: 15,
			want: want{items: 15, reqs: []string{"skip=0&take=10", "skip=10&take=10"}}},
		{name: "break on a page boundary fetches nothing more", adapter: "SkipTake", srv: config{n: 50}, size: 10, breakAt: 10,
			want: want{items: 10, reqs: []string{"skip=0&take=10"}}},
		{name: "lying total: empty page before it is an error, not a loop", adapter: "SkipTake", srv: config{n: 20, claim: intp(30)}, size: 10,
			want: want{items: 20, reqs: []string{"skip=0&take=10", "skip=10&take=10", "skip=20&take=10"}, err: "total is 30 but the page at offset 20 is empty"}},
		{name: "total lower than the items: stop at the total", adapter: "SkipTake", srv: config{n: 30, claim: intp(10)}, size: 10,
			want: want{items: 10, reqs: []string{"skip=0&take=10"}}},
		{name: "invalid page size", adapter: "SkipTake", srv: config{n: 5}, size: 0,
			want: want{err: "take must be positive, got 0"}},

		// Auth0 page/per_page.
		{name: "include_totals, exact multiple", adapter: "PagePerPage", srv: config{n: 6}, size: 3,
			want: want{items: 6, reqs: []string{"page=0&per_page=3&include_totals=true", "page=1&per_page=3&include_totals=true"}}},
		{name: "include_totals, short last page", adapter: "PagePerPage", srv: config{n: 7}, size: 3,
			want: want{items: 7, reqs: []string{"page=0&per_page=3&include_totals=true", "page=1&per_page=3&include_totals=true", "page=2&per_page=3&include_totals=true"}}},
		{name: "include_totals, server caps per_page", adapter: "PagePerPage", srv: config{n: 5, capSize: 2}, size: 3,
			want: want{items: 5, reqs: []string{"page=0&per_page=3&include_totals=true", "page=1&per_page=3&include_totals=true", "page=2&per_page=3&include_totals=true"}}},
		{name: "include_totals, empty", adapter: "PagePerPage", srv: config{n: 0}, size: 3,
			want: want{reqs: []string{"page=0&per_page=3&include_totals=true"}}},
		{name: "no totals: short page ends", adapter: "PagePerPage", srv: config{n: 7, noTotal: true}, size: 3, noTotal: true,
			want: want{items: 7, reqs: []string{"page=0&per_page=3&include_totals=false", "page=1&per_page=3&include_totals=false", "page=2&per_page=3&include_totals=false"}}},
		{name: "no totals: exact multiple needs one empty page", adapter: "PagePerPage", srv: config{n: 6, noTotal: true}, size: 3, noTotal: true,
			want: want{items: 6, reqs: []string{"page=0&per_page=3&include_totals=false", "page=1&per_page=3&include_totals=false", "page=2&per_page=3&include_totals=false"}}},
		{name: "error on page 3", adapter: "PagePerPage", srv: config{n: 20, failOn: 3}, size: 3,
			want: want{items: 6, reqs: []string{"page=0&per_page=3&include_totals=true", "page=1&per_page=3&include_totals=true", "page=2&per_page=3&include_totals=true"}, err: "page 3: status 500"}},
		{name: "lying total", adapter: "PagePerPage", srv: config{n: 3, claim: intp(100)}, size: 3,
			want: want{items: 3, reqs: []string{"page=0&per_page=3&include_totals=true", "page=1&per_page=3&include_totals=true"}, err: "no progress"}},

		// SCIM startIndex/count, 1-based.
		{name: "1-based start indexes, exact multiple", adapter: "SCIM", srv: config{n: 4}, size: 2,
			want: want{items: 4, reqs: []string{"startIndex=1&count=2", "startIndex=3&count=2"}}},
		{name: "short last page", adapter: "SCIM", srv: config{n: 5}, size: 2,
			want: want{items: 5, reqs: []string{"startIndex=1&count=2", "startIndex=3&count=2", "startIndex=5&count=2"}}},
		{name: "no resources", adapter: "SCIM", srv: config{n: 0}, size: 2,
			want: want{reqs: []string{"startIndex=1&count=2"}}},
		{name: "server caps count", adapter: "SCIM", srv: config{n: 3, capSize: 1}, size: 2,
			want: want{items: 3, reqs: []string{"startIndex=1&count=2", "startIndex=2&count=2", "startIndex=3&count=2"}}},
		{name: "lying totalResults", adapter: "SCIM", srv: config{n: 2, claim: intp(9)}, size: 2,
			want: want{items: 2, reqs: []string{"startIndex=1&count=2", "startIndex=3&count=2"}, err: "total is 9 but the page at offset 2 is empty"}},
		{name: "consumer break", adapter: "SCIM", srv: config{n: 10}, size: 2, breakAt: 3,
			want: want{items: 3, reqs: []string{"startIndex=1&count=2", "startIndex=3&count=2"}}},

		// Auth0 checkpoint from/take.
		{name: "follows next until absent", adapter: "Checkpoint", srv: config{n: 5}, size: 2,
			want: want{items: 5, reqs: []string{"take=2", "take=2&from=cp2", "take=2&from=cp4"}}},
		{name: "exact multiple: no next on the last page", adapter: "Checkpoint", srv: config{n: 4}, size: 2,
			want: want{items: 4, reqs: []string{"take=2", "take=2&from=cp2"}}},
		{name: "empty", adapter: "Checkpoint", srv: config{n: 0}, size: 2,
			want: want{reqs: []string{"take=2"}}},
		{name: "non-advancing next is an error, not a loop", adapter: "Checkpoint", srv: config{n: 10, stuckNext: "cp2"}, size: 2,
			want: want{items: 4, reqs: []string{"take=2", "take=2&from=cp2"}, err: "no progress"}},
		{name: "error on page 3", adapter: "Checkpoint", srv: config{n: 10, failOn: 3}, size: 2,
			want: want{items: 4, reqs: []string{"take=2", "take=2&from=cp2", "take=2&from=cp4"}, err: "page 3: status 500"}},
		{name: "invalid take", adapter: "Checkpoint", srv: config{n: 10}, size: -1,
			want: want{err: "take must be positive, got -1"}},
	}
	for _, tt := range tests {
		t.Run(tt.adapter+"/"+tt.name, func(t *testing.T) {
			items, errs, reqs := drive(t, tt.adapter, tt.srv, tt.size, !tt.noTotal, tt.breakAt)
			if len(items) != tt.want.items {
				t.Errorf("items = %d, want %d", len(items), tt.want.items)
			}
			for i, it := range items {
				if it != "u"+strconv.Itoa(i) {
					t.Errorf("item %d = %q: out of order or duplicated", i, it)
					break
				}
			}
			switch {
			case tt.want.err == "" && len(errs) != 0:
				t.Errorf("errors = %v, want none", errs)
			case tt.want.err != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want.err)):
				t.Errorf("errors = %v, want exactly one containing %q", errs, tt.want.err)
			}
			if strings.Join(reqs, " | ") != strings.Join(tt.want.reqs, " | ") {
				t.Errorf("requests =\n %q\nwant\n %q", reqs, tt.want.reqs)
			}
		})
	}
}

// drive runs an adapter against a fake server shaped by cfg until the
// iterator ends (or the consumer breaks after breakAt items) and returns
// the items, the errors and the requests the server saw.
func drive(t *testing.T, adapter string, cfg config, size int, withTotal bool, breakAt int) (items []string, errs []error, reqs []string) {
	t.Helper()
	s := &server{config: cfg}
	hs := httptest.NewServer(s)
	defer hs.Close()
	for item, err := range adapters[adapter](context.Background(), hs.URL, size, withTotal) {
		if err != nil {
			errs = append(errs, err)
			continue // the iterator must end by itself after an error
		}
		items = append(items, item)
		if len(items) > 1000 {
			t.Fatal("runaway iteration")
		}
		if len(items) == breakAt {
			break
		}
	}
	return items, errs, s.requests()
}

func TestNoProgressIsErrNoProgress(t *testing.T) {
	hs := httptest.NewServer(&server{config: config{n: 2, claim: intp(5)}})
	defer hs.Close()
	_, err := Collect(adapters["SkipTake"](context.Background(), hs.URL, 2, true))
	if !errors.Is(err, ErrNoProgress) {
		t.Errorf("err = %v, want ErrNoProgress", err)
	}
}

// TestContext: a cancelled context stops the iterator before the next
// fetch and is yielded once; nothing is fetched after cancellation.
func TestContext(t *testing.T) {
	for name, adapter := range adapters {
		t.Run(name, func(t *testing.T) {
			s := &server{config: config{n: 10}}
			hs := httptest.NewServer(s)
			defer hs.Close()

			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			items, err := Collect(adapter(ctx, hs.URL, 3, true))
			if !errors.Is(err, context.Canceled) || len(items) != 0 || len(s.requests()) != 0 {
				t.Errorf("pre-cancelled: items %d, err %v, requests %d; want 0, Canceled, 0", len(items), err, len(s.requests()))
			}

			ctx, cancel = context.WithCancel(context.Background())
			defer cancel()
			n, errs := 0, 0
			for _, err := range adapter(ctx, hs.URL, 3, true) {
				if err != nil {
					errs++
					if !errors.Is(err, context.Canceled) {
						t.Errorf("err = %v, want Canceled", err)
					}
					continue
				}
				if n++; n == 3 {
					cancel() // mid-iteration, at the end of the first page
				}
			}
			if n != 3 || errs != 1 || len(s.requests()) != 1 {
				t.Errorf("cancelled after page 1: items %d, errors %d, requests %d; want 3, 1, 1", n, errs, len(s.requests()))
			}
		})
	}
}

// TestPagesEngine covers the engine's guards with an in-memory fetch.
func TestPagesEngine(t *testing.T) {
	tests := []struct {
		name      string
		pages     map[int]Page[int, int]
		wantItems []int
		wantCalls []int
		wantErr   error
	}{
		{
			name:      "follows cursors until More is false",
			pages:     map[int]Page[int, int]{0: {Items: []int{1, 2}, Next: 7, More: true}, 7: {Items: []int{3}}},
			wantItems: []int{1, 2, 3}, wantCalls: []int{0, 7},
		},
		{
			name:      "zero page ends",
			pages:     map[int]Page[int, int]{0: {}},
			wantItems: nil, wantCalls: []int{0},
		},
		{
			name:      "same cursor again",
			pages:     map[int]Page[int, int]{0: {Items: []int{1}, Next: 0, More: true}},
			wantItems: []int{1}, wantCalls: []int{0}, wantErr: ErrNoProgress,
		},
		{
			name:      "More with no items",
			pages:     map[int]Page[int, int]{0: {Items: []int{1}, Next: 1, More: true}, 1: {Next: 2, More: true}},
			wantItems: []int{1}, wantCalls: []int{0, 1}, wantErr: ErrNoProgress,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []int
			got, err := Collect(Pages(context.Background(), 0, func(_ context.Context, c int) (Page[int, int], error) {
				calls = append(calls, c)
				return tt.pages[c], nil
			}))
			if fmt.Sprint(got) != fmt.Sprint(tt.wantItems) || fmt.Sprint(calls) != fmt.Sprint(tt.wantCalls) || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("items %v calls %v err %v; want %v %v %v", got, calls, err, tt.wantItems, tt.wantCalls, tt.wantErr)
			}
		})
	}
}

// TestErrorKeepsCause: a fetch error reaches the consumer wrapped with the
// page number, and errors.As still finds the cause (for example an
// *apierror.Error).
func TestErrorKeepsCause(t *testing.T) {
	cause := &causeErr{code: 429}
	_, err := Collect(SkipTake(context.Background(), 5, func(context.Context, int, int) ([]int, int, error) {
		return nil, 0, cause
	}))
	var got *causeErr
	if !errors.As(err, &got) || got.code != 429 || err.Error() != "paginate: SkipTake: page 1: cause 429" {
		t.Errorf("err = %v", err)
	}
}

type causeErr struct{ code int }

func (e *causeErr) Error() string { return "cause " + strconv.Itoa(e.code) }

// TestEngineChecksContext: the engine itself checks ctx before each fetch,
// even when fetch ignores it (the HTTP tests above would also pass through
// the client's own check).
func TestEngineChecksContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	var errs []error
	for _, err := range Pages(ctx, 0, func(_ context.Context, c int) (Page[int, int], error) {
		calls++
		cancel()
		return Page[int, int]{Items: []int{c}, Next: c + 1, More: c < 3}, nil
	}) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if calls != 1 || len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("calls %d, errors %v; want 1 call and one Canceled", calls, errs)
	}
}
