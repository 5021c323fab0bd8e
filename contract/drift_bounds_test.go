package contract

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestObserveBounds feeds an observing transport a hostile stream (long and
// ever new member names, enum values, statuses, media types and paths,
// deep and wide bodies) and checks that what the Drift keeps stays within
// the documented bounds, and that what was left out is counted.
func TestObserveBounds(t *testing.T) {
	s, err := Load(context.Background(), []byte(driftSpec))
	if err != nil {
		t.Fatal(err)
	}
	// The bounds as documented on Drift (literals, so that the test
	// checks the documentation, not the constants).
	const (
		maxEnumFindings    = 256
		maxMemberFindings  = 256
		maxStatusFindings  = 32
		maxNoOperation     = 1000
		maxDriftShapeNodes = 262144
		maxShapeNodes      = 4096
		maxShapeDepth      = 32
		maxShapeProps      = 256
		maxNameLen         = 256
		maxEnumValue       = 1024
		maxPointerLen      = 1024
		maxMediaTypeLen    = 128
		maxMethodLen       = 32
	)
	var d Drift
	send := func(method, path, ct string, status int, body string) {
		t.Helper()
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Body != nil {
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
			return &http.Response{StatusCode: status, Request: r,
				Header: http.Header{"Content-Type": {ct}},
				Body:   io.NopCloser(strings.NewReader(body))}, nil
		})
		req, _ := http.NewRequest(method, "http://api.test"+path, nil)
		resp, err := s.Transport(rt, Observe(&d)).RoundTrip(req)
		if err != nil {
			t.Fatalf("observing must not fail an exchange: %v", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	long := strings.Repeat("é", 3000) // 6000 bytes, two per rune
	// wide is an object of n members, each an object of m members.
	wide := func(prefix string, n, m int) string {
		var b strings.Builder
		b.WriteByte('{')
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"%s%d":{`, prefix, i)
			for j := range m {
				if j > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `"m%d":%d`, j, j)
			}
			b.WriteByte('}')
		}
		b.WriteByte('}')
		return b.String()
	}
	const rounds = 300
	for i := range rounds {
		// An ever new, long member of Flags whose value is wide.
		send("GET", "/widgets", "application/json", 200,
			fmt.Sprintf(`[{"id":"a","flags":{"%d%s":%s}}]`, i, long, wide(fmt.Sprint(i, "-"), 40, 30)))
		// An ever new, long enum value.
		send("GET", "/widgets", "application/json", 200, fmt.Sprintf(`[{"id":"a","kind":"%d%s"}]`, i, long))
		// An ever new status, with a long JSON media type.
		send("POST", "/widgets", fmt.Sprintf("application/vnd.%d%s+json", i, strings.Repeat("x", 4000)), 200+i, `{"id":"a"}`)
	}
	for i := range 1100 {
		// An ever new, long path that no operation matches.
		send("GET", fmt.Sprintf("/nothing/%d/%s", i, strings.Repeat("p", 4000)), "application/json", 200, `{}`)
	}
	// One member, seen again and again ever wider and deeper.
	deep := strings.Repeat(`{"a":`, 100) + `1` + strings.Repeat(`}`, 100)
	for i := range 50 {
		send("GET", "/widgets", "application/json", 200,
			fmt.Sprintf(`[{"id":"a","flags":{"same":%s,"deep":%s}}]`, wide(fmt.Sprint("w", i, "-"), 300, 2), deep))
	}

	fs := d.Findings()
	kinds := map[DriftKind]int{}
	totalNodes := 0
	for _, f := range fs {
		kinds[f.Kind]++
		if len(f.Member) > maxNameLen {
			t.Errorf("member name of %d bytes", len(f.Member))
		}
		if len(f.Instance) > maxPointerLen {
			t.Errorf("instance of %d bytes", len(f.Instance))
		}
		if len(f.MediaType) > maxMediaTypeLen {
			t.Errorf("media type of %d bytes", len(f.MediaType))
		}
		if v, ok := f.Value.(string); ok && len(v) > maxEnumValue+len(truncatedMark) {
			t.Errorf("enum value of %d bytes", len(v))
		}
		n, depth, widest, longest := shapeStats(f.Observed, 0)
		totalNodes += n
		if n > maxShapeNodes+1 {
			t.Errorf("%s %s: inferred schema of %d nodes, bound %d", f.Kind, f.Member, n, maxShapeNodes)
		}
		if depth > maxShapeDepth+1 {
			t.Errorf("%s %s: inferred schema %d deep, bound %d", f.Kind, f.Member, depth, maxShapeDepth)
		}
		if widest > maxShapeProps {
			t.Errorf("%s %s: inferred object of %d members, bound %d", f.Kind, f.Member, widest, maxShapeProps)
		}
		if longest > maxNameLen {
			t.Errorf("%s %s: inferred member name of %d bytes", f.Kind, f.Member, longest)
		}
	}
	t.Logf("kept %d findings %v, %d schema nodes, %d calls to no operation, %d dropped",
		len(fs), kinds, totalNodes, len(d.NoOperation()), d.Dropped())
	if kinds[UnknownMember] > maxMemberFindings {
		t.Errorf("%d unknown-member findings for one schema, bound %d", kinds[UnknownMember], maxMemberFindings)
	}
	if kinds[EnumValue] > maxEnumFindings {
		t.Errorf("%d enum-value findings for one schema, bound %d", kinds[EnumValue], maxEnumFindings)
	}
	if kinds[UndeclaredStatus] > maxStatusFindings {
		t.Errorf("%d undeclared-status findings for one operation, bound %d", kinds[UndeclaredStatus], maxStatusFindings)
	}
	// Every finding kept a full schema count of nodes (+1 for the root,
	// which is the finding's own).
	if totalNodes > maxDriftShapeNodes+len(fs) {
		t.Errorf("%d inferred schema nodes over all findings, bound %d", totalNodes, maxDriftShapeNodes)
	}
	noOp := d.NoOperation()
	if len(noOp) > maxNoOperation {
		t.Errorf("%d calls to no operation kept, bound %d", len(noOp), maxNoOperation)
	}
	for k := range noOp {
		if len(k) > maxMethodLen+1+maxPointerLen {
			t.Errorf("call to no operation of %d bytes", len(k))
		}
	}
	// The stream held more than every bound: each must have been reached
	// (the test checks the bounds, not a stream too small to meet them),
	// and what they kept out counted.
	if kinds[UnknownMember] != maxMemberFindings || kinds[EnumValue] != maxEnumFindings || kinds[UndeclaredStatus] != maxStatusFindings {
		t.Errorf("bounds not reached: %v", kinds)
	}
	if totalNodes < maxDriftShapeNodes {
		t.Errorf("the stream did not reach the bound on inferred schema nodes (%d)", totalNodes)
	}
	if len(noOp) != maxNoOperation {
		t.Errorf("the stream did not reach the bound on calls to no operation (%d)", len(noOp))
	}
	if d.Dropped() == 0 {
		t.Error("nothing counted as dropped")
	}
	if n := d.Exchanges()["listWidgets"]; n != 2*rounds+50 {
		t.Errorf("listWidgets exchanges %d, want %d (counting is not bounded by the findings)", n, 2*rounds+50)
	}
}

// TestObserveNoOperation checks that a call to no operation is counted by
// method and path, and is not a finding.
func TestObserveNoOperation(t *testing.T) {
	s, err := Load(context.Background(), []byte(driftSpec))
	if err != nil {
		t.Fatal(err)
	}
	var d Drift
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 404, Request: r, Body: http.NoBody}, nil
	})
	for _, p := range []string{"/gadgets", "/gadgets", "/widgets/a/b"} {
		req, _ := http.NewRequest("GET", "http://api.test"+p, nil)
		resp, err := s.Transport(rt, Observe(&d)).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	got := fmt.Sprint(d.NoOperation())
	if want := "map[GET /gadgets:2 GET /widgets/a/b:1]"; got != want {
		t.Errorf("NoOperation() = %s, want %s", got, want)
	}
	if fs := d.Findings(); len(fs) != 0 {
		t.Errorf("findings %+v", fs)
	}
}

// shapeStats measures an inferred schema: nodes, depth, the most members
// of one object and the longest member name.
func shapeStats(s map[string]any, depth int) (nodes, maxDepth, widest, longest int) {
	if s == nil {
		return 0, depth, 0, 0
	}
	nodes, maxDepth = 1, depth+1
	visit := func(c map[string]any) {
		n, d, w, l := shapeStats(c, depth+1)
		nodes += n
		maxDepth = max(maxDepth, d)
		widest = max(widest, w)
		longest = max(longest, l)
	}
	if props, ok := s["properties"].(map[string]any); ok {
		widest = max(widest, len(props))
		for name, p := range props {
			longest = max(longest, len(name))
			c, _ := p.(map[string]any)
			visit(c)
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		visit(items)
	}
	return nodes, maxDepth, widest, longest
}
