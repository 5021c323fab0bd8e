package fronttest

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/build/frontgen"
	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
	scimbulk "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimbulk"
	scimgroups "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimgroups"
	scimme "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimme"
	scimresourcetypes "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimresourcetypes"
	scimroles "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimroles"
	scimschemas "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimschemas"
	scimspconfig "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimspconfig"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
	umbraco17 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco17"
	umbraco18 "github.com/mgmtapi/mgmtapi/internal/tests/apis/umbraco18"
	"github.com/mgmtapi/mgmtapi/internal/tests/itertest"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/option"
	"github.com/mgmtapi/mgmtapi/paginate"
)

// newAPI is a front door's constructor, its result as any.
type newAPI func(site, id, secret string, opts ...option.Option) (any, error)

// hostile is a server fault that would keep a naive iterator fetching
// forever. page answers request k (1-based) of one iteration with the
// indexes of the items to send (into a page-size window of distinct
// items), the total to claim (-1: none) and the next checkpoint.
type hostile struct {
	name string
	page func(k, size int, from string) (items []int, total int, next string)
	// want is the outcome per paging class: the error the iteration ends
	// with, the requests it made and the items it yielded.
	want func(class string, it frontgen.Iterator) outcome
}

type outcome struct {
	err      error // nil: ends without error
	notErr   error // must not match this
	requests int
	items    int // in page sizes
	extra    int // items beyond whole pages
}

const inflated = 1 << 30

func window(from, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from + i
	}
	return out
}

var hostiles = []hostile{
	{
		// A→B→A: offsets get page 1, 2, then page 1 again; checkpoints
		// name cA, cB, then cA again.
		name: "cycle",
		page: func(k, size int, from string) ([]int, int, string) {
			switch from {
			case "cA":
				return window(size, size), inflated, "cB"
			case "cB":
				return window(2*size, size), inflated, "cA"
			case "":
				if k%2 == 0 {
					return window(size, size), inflated, "cA"
				}
				return window(0, size), inflated, "cA"
			}
			return nil, 0, ""
		},
		want: func(class string, _ frontgen.Iterator) outcome {
			if class == "checkpoint" {
				return outcome{err: paginate.ErrCycle, requests: 3, items: 3}
			}
			return outcome{err: paginate.ErrCycle, requests: 3, items: 2}
		},
	},
	{
		// The offset is ignored: the first page again, with a total that
		// grows with each request (a fresh checkpoint each time).
		name: "offset ignored, total grows",
		page: func(k, size int, _ string) ([]int, int, string) {
			return window(0, size), 1000 * k * size, "k" + strconv.Itoa(k)
		},
		want: func(string, frontgen.Iterator) outcome {
			return outcome{err: paginate.ErrCycle, requests: 2, items: 1}
		},
	},
	{
		// The offset is ignored and no total is sent: full pages say
		// "more".
		name: "offset ignored, no total",
		page: func(k, size int, _ string) ([]int, int, string) {
			return window(0, size), -1, "k" + strconv.Itoa(k)
		},
		want: func(class string, it frontgen.Iterator) outcome {
			if class == "offset" && it.Total != "" && !it.TotalOptional {
				// A required total that is absent reads as 0: the list
				// ends after one page.
				return outcome{requests: 1, items: 1}
			}
			return outcome{err: paginate.ErrCycle, requests: 2, items: 1}
		},
	},
	{
		// The same items every time, in another order each time, and an
		// inflated total.
		name: "reordered repeat, inflated total",
		page: func(k, size int, _ string) ([]int, int, string) {
			items := window(0, size)
			if k%2 == 0 {
				slices.Reverse(items)
			}
			return items, inflated, "k" + strconv.Itoa(k)
		},
		want: func(string, frontgen.Iterator) outcome {
			return outcome{err: paginate.ErrCycle, requests: 2, items: 1}
		},
	},
	{
		// One page, then empty pages while the total claims more (and a
		// checkpoint names a next page).
		name: "empty pages, total claims more",
		page: func(k, size int, _ string) ([]int, int, string) {
			if k > 1 {
				return []int{}, inflated, "k" + strconv.Itoa(k)
			}
			return window(0, size), inflated, "k1"
		},
		want: func(class string, it frontgen.Iterator) outcome {
			if class == "checkpoint" || it.Kind == frontgen.KindSCIM || it.Total == "" {
				// An empty page ends a checkpoint or SCIM list (Asgardeo's
				// totalResults is unreliable), and a list without a total.
				return outcome{requests: 2, items: 1}
			}
			return outcome{err: paginate.ErrNoProgress, notErr: paginate.ErrCycle, requests: 2, items: 1}
		},
	},
	{
		// Windows sliding by one over size+1 items: after the second page
		// no page brings a new item, and no two pages are equal.
		name: "sliding window, inflated total",
		page: func(k, size int, _ string) ([]int, int, string) {
			items := window(k-1, size)
			for i := range items {
				items[i] %= size + 1
			}
			return items, inflated, "k" + strconv.Itoa(k)
		},
		want: func(string, frontgen.Iterator) outcome {
			return outcome{err: paginate.ErrNoProgress, notErr: paginate.ErrCycle, requests: 5, items: 2}
		},
	},
}

// maxRequests bounds one iteration against a hostile server: past it the
// server fails every request, so an iterator that would loop ends (with
// the wrong error) instead of hanging the test.
const maxRequests = 30

// hostileServer answers every request with the current iterator's shape
// and the current fault.
type hostileServer struct {
	mu    sync.Mutex
	it    frontgen.Iterator
	h     hostile
	path  *regexp.Regexp
	items []json.RawMessage // distinct items of the current element type
	reqs  int
	bad   []string // requests to another operation's path
}

func (s *hostileServer) reset(it frontgen.Iterator, h hostile, path *regexp.Regexp, items []json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.it, s.h, s.path, s.items, s.reqs, s.bad = it, h, path, items, 0, nil
}

func (s *hostileServer) requests() (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs, s.bad
}

func (s *hostileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs++
	if !s.path.MatchString(r.URL.Path) {
		s.bad = append(s.bad, r.Method+" "+r.URL.Path)
	}
	if s.reqs > maxRequests {
		w.WriteHeader(http.StatusTeapot)
		return
	}
	idx, total, next := s.h.page(s.reqs, s.it.Size, r.URL.Query().Get("from"))
	list := make([]json.RawMessage, len(idx))
	for i, n := range idx {
		list[i] = s.items[n]
	}
	var body any = list
	if s.it.Items != "" {
		obj := map[string]any{s.it.Items: list}
		if s.it.Total != "" && total >= 0 {
			obj[s.it.Total] = total
		}
		if s.it.Next != "" && next != "" {
			obj[s.it.Next] = next
		}
		body = obj
	}
	writeJSON(w, http.StatusOK, body)
}

// TestEveryIteratorEnds drives every generated …All iterator of every API
// against a hostile server for each fault above and asserts that it ends,
// with the typed error the engine documents, after exactly the requests
// the engine allows, never yielding a repeated page. The iterators come
// from the generator's own description (frontgen.Iterators), checked
// against the …All methods each API type has.
func TestEveryIteratorEnds(t *testing.T) {
	srv := &hostileServer{}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	umbracoTS := tokens(t, umbracoPath, umbracoID, secret, testenv.AuthPost, testenv.TokenServerOptions{TTL: ttl})
	auth0TS := tokens(t, "/oauth/token", "fronttest-auth0", secret, testenv.AuthPost, testenv.TokenServerOptions{
		TTL: ttl, MapAudience: true, Resources: map[string]testenv.Resource{"https://" + domain + "/api/v2/": {TTL: ttl}},
	})
	asgardeoTS := tokens(t, "/t/"+org+"/oauth2/token", "fronttest-asgardeo", secret, testenv.AuthBasic, testenv.TokenServerOptions{
		TTL: ttl, Scopes: []string{"internal_user_mgt_list"},
	})

	frontDoors := map[string]newAPI{}
	for _, g := range generatedPackages() {
		frontDoors[g.name] = g.newAPI
	}
	apis := make([]string, 0, len(frontDoors))
	for api := range frontDoors {
		apis = append(apis, api)
	}
	slices.Sort(apis)
	total := 0
	for _, api := range apis {
		pre, ok := frontgen.PresetFor(api)
		if !ok {
			t.Fatalf("%s: no preset", api)
		}
		iters, ok := iteratorsOf[api]
		if !ok {
			t.Fatalf("%s: no iterator list in its shim", api)
		}

		var c any
		var err error
		base := ""
		switch pre.Vendor {
		case "umbraco":
			c, err = frontDoors[api](hs.URL, umbracoID, secret, option.WithTokenURL(umbracoTS.TokenURL), option.WithoutRetry())
		case "auth0":
			c, err = frontDoors[api](domain, "fronttest-auth0", secret, option.WithBaseURL(hs.URL), option.WithTokenURL(auth0TS.TokenURL), option.WithoutRetry())
		default:
			base = "/t/" + org + pre.ServerPath
			c, err = frontDoors[api](org, "fronttest-asgardeo", secret, option.WithBaseURL(hs.URL+"/t/"+org), option.WithTokenURL(asgardeoTS.TokenURL),
				option.WithScopes("internal_user_mgt_list"), option.WithoutRetry())
		}
		if err != nil {
			t.Fatalf("%s: %v", api, err)
		}
		t.Cleanup(func() { c.(interface{ Close() error }).Close() })

		// Every …All method is described, and every description has its
		// method.
		cv := reflect.ValueOf(c)
		described := map[string]bool{}
		for _, it := range iters {
			described[it.Method] = true
		}
		for i := range cv.NumMethod() {
			m := cv.Type().Method(i)
			if iterator := m.Type.NumOut() == 1 && m.Type.Out(0).Kind() == reflect.Func; iterator && strings.HasSuffix(m.Name, "All") && !described[m.Name] {
				t.Errorf("%s: %s is not among the generator's iterators", api, m.Name)
			}
		}
		kinds := map[string]int{}
		for _, it := range iters {
			m := cv.MethodByName(it.Method)
			if !m.IsValid() {
				t.Errorf("%s: no method %s", api, it.Method)
				continue
			}
			items, err := itertest.DistinctItems(m.Type(), 3*it.Size+1)
			if err != nil {
				t.Errorf("%s.%s: %v", api, it.Method, err)
				continue
			}
			path := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^/]*\\\}`).ReplaceAllString(regexp.QuoteMeta(base+strings.SplitN(it.Op, " ", 2)[1]), "[^/]+") + "$")
			class := classOf(it)
			for _, h := range hostiles {
				srv.reset(it, h, path, items)
				got, err := itertest.Drain(t.Context(), m, 10*maxRequests*100)
				reqs, bad := srv.requests()
				want := outcome{requests: 1, items: 1}
				if class != "single" {
					want = h.want(class, it)
				}
				wantItems := want.items*it.Size + want.extra
				switch {
				case want.err == nil && err != nil,
					want.err != nil && !errors.Is(err, want.err),
					want.notErr != nil && errors.Is(err, want.notErr),
					reqs != want.requests, got != wantItems, len(bad) > 0:
					t.Errorf("%s.%s (%s) against %q: %d requests, %d items, error %v; want %d requests, %d items, error %v (requests to other paths: %q)",
						api, it.Method, it.Kind, h.name, reqs, got, err, want.requests, wantItems, want.err, bad)
				case err != nil && !strings.Contains(err.Error(), strings.SplitN(it.Op, " ", 2)[1]):
					t.Errorf("%s.%s against %q: error %q does not name the operation %s", api, it.Method, h.name, err, it.Op)
				}
			}
			kinds[it.Kind]++
		}
		total += len(iters)
		t.Logf("%-17s %3d iterators driven against %d hostile servers each: %v", api, len(iters), len(hostiles), kinds)
	}
	t.Logf("%d iterators in %d APIs", total, len(apis))
	if total < 400 {
		t.Errorf("only %d iterators found; the generator's description or the front doors lost some", total)
	}
}

// classOf sorts an iterator by how it pages.
func classOf(it frontgen.Iterator) string {
	switch it.Kind {
	case frontgen.KindSingle:
		return "single"
	case frontgen.KindCheckpoint:
		return "checkpoint"
	}
	return "offset"
}

// iteratorsOf are the iterators frontgen wrote for each API, recorded at
// generation time in the API's shim (every tag package of a split API).
var iteratorsOf = map[string][]frontgen.Iterator{
	"applications": applications.Iterators, "auth0": auth0.Iterators, "scimbulk": scimbulk.Iterators,
	"scimgroups": scimgroups.Iterators, "scimme": scimme.Iterators, "scimresourcetypes": scimresourcetypes.Iterators,
	"scimroles": scimroles.Iterators, "scimschemas": scimschemas.Iterators, "scimspconfig": scimspconfig.Iterators,
	"scimusers": scimusers.Iterators, "umbraco17": umbraco17.Iterators, "umbraco18": umbraco18.Iterators,
}
