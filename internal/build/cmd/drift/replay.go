package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"

	"github.com/mgmtapi/mgmtapi/contract"
)

// result is what one replay of a HAR file found.
type result struct {
	Findings  []contract.Finding
	Exchanges map[string]int
	// Violations are the validator's messages (kin-openapi) that are not
	// drift findings: patterns, formats, bounds, unknown routes, ...
	// Deduplicated, with counts.
	Violations map[string]int
	// Skipped are entries that could not be replayed, with the reason.
	Skipped []string
	// NoOperation are the calls that matched no operation, by "METHOD
	// path", with counts.
	NoOperation map[string]int
	// Dropped counts what the Drift did not keep (see contract.Drift).
	Dropped int
}

// replay sends every entry of h through the contract transport in Observe
// mode over spec, answering each with its recorded response.
func replay(ctx context.Context, spec []byte, h *har) (*result, error) {
	s, err := contract.Load(ctx, spec)
	if err != nil {
		return nil, err
	}
	return replaySpec(ctx, s, h), nil
}

// replaySpec is replay over a loaded spec.
func replaySpec(ctx context.Context, s *contract.Spec, h *har) *result {
	var d contract.Drift
	res := &result{Violations: map[string]int{}}
	var mu sync.Mutex
	report := contract.ReportOnly(func(e *contract.Error) {
		mu.Lock()
		defer mu.Unlock()
		for _, v := range e.Violations {
			res.Violations[v.String()]++
		}
	})
	for i := range h.Log.Entries {
		e := &h.Log.Entries[i]
		req, err := e.request()
		if err != nil {
			res.Skipped = append(res.Skipped, fmt.Sprintf("entry %d: %v", i, err))
			continue
		}
		rt := s.Transport(replayer{entry: e}, contract.Observe(&d), report)
		resp, err := rt.RoundTrip(req.WithContext(ctx))
		if err != nil {
			res.Skipped = append(res.Skipped, fmt.Sprintf("entry %d (%s %s): %v", i, req.Method, req.URL.Path, err))
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	res.Findings = d.Findings()
	res.Exchanges = d.Exchanges()
	res.NoOperation = d.NoOperation()
	res.Dropped = d.Dropped()
	return res
}

// operations lists the operations of r, sorted.
func (r *result) operations() []string {
	ops := map[string]bool{}
	for op := range r.Exchanges {
		ops[op] = true
	}
	for _, f := range r.Findings {
		ops[f.Operation] = true
	}
	return slices.Sorted(maps.Keys(ops))
}
