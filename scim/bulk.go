package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Asgardeo's documented bulk limits: 1,000 operations per request and 5
// requests per minute on /scim2/Bulk.
const (
	DefaultBulkMaxOperations = 1000
	DefaultBulkRequests      = 5
	DefaultBulkPer           = time.Minute
)

// Clock is what Bulker reads the time from and waits with; tests inject a
// fake one so that pacing is checked without waiting.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, whichever is first.
	Sleep(ctx context.Context, d time.Duration) error
}

// Bulker runs any number of bulk operations through POST /Bulk: it splits
// them into requests of at most MaxOperations, sends no more than Requests
// requests in any Per interval, and reports each operation's result.
//
//	b := &scim.Bulker{Send: func(ctx context.Context, r scim.BulkRequest) (scim.BulkResponse, error) {
//		res, err := apierror.Checked(c.PostBulkWithResponse(ctx, r))
//		if err != nil {
//			return scim.BulkResponse{}, err
//		}
//		return *res.JSON201, nil
//	}}
//	results, err := b.Run(ctx, ops)
//
// A POST's bulkId may be referenced ("bulkId:kim") only by operations that
// end up in the same request: Run refuses a job whose split would separate
// them, since the server resolves references within one request only.
type Bulker struct {
	// Send posts one bulk request; typically gen/scimbulk's PostBulk.
	Send func(ctx context.Context, req BulkRequest) (BulkResponse, error)
	// MaxOperations per request; 0 means DefaultBulkMaxOperations.
	MaxOperations int
	// Requests per Per; 0 means DefaultBulkRequests per DefaultBulkPer.
	Requests int
	// Per is the pacing interval; 0 means DefaultBulkPer.
	Per time.Duration
	// FailOnErrors stops the job after this many failed operations
	// (RFC 7644 §3.7.3's failOnErrors, held across the requests of a split
	// job): each request carries the number of failures still allowed, and
	// once they are used up Run sends no further request and returns
	// ErrBulkStopped. An operation the response has no result for counts
	// as failed. 0 means every operation is sent.
	FailOnErrors int
	// Clock defaults to the system clock.
	Clock Clock
}

// BulkResult is the outcome of one operation of a Bulker run.
type BulkResult struct {
	// Operation is the operation as given to Run.
	Operation BulkOperation
	// Response is the server's result for the operation, nil when it sent
	// none (the request failed, or failOnErrors stopped the server first).
	Response *BulkOperationResponse
	// Err is why there is no successful result: the request's error, a
	// missing result, or the operation's own non-2xx status.
	Err error
}

// OK reports whether the operation succeeded (a 2xx status).
func (r BulkResult) OK() bool { return r.Err == nil }

// ErrBulkStopped is returned (wrapped) by Run when FailOnErrors operations
// failed before the last request: the operations after them were not sent.
var ErrBulkStopped = errors.New("scim: bulk job stopped after FailOnErrors failed operations")

// ErrNoBulkResult marks an operation the bulk response had no result for.
var ErrNoBulkResult = errors.New("scim: the bulk response has no result for this operation")

// BulkOperationError is an operation's non-2xx status, with the error the
// server returned for it.
type BulkOperationError struct {
	Status   int
	Response json.RawMessage
}

func (e *BulkOperationError) Error() string {
	return fmt.Sprintf("scim: bulk operation failed with status %d: %.200s", e.Status, e.Response)
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *Bulker) limits() (maxOps, requests int, per time.Duration, clock Clock, err error) {
	maxOps, requests, per, clock = b.MaxOperations, b.Requests, b.Per, b.Clock
	if maxOps == 0 {
		maxOps = DefaultBulkMaxOperations
	}
	if requests == 0 {
		requests = DefaultBulkRequests
	}
	if per == 0 {
		per = DefaultBulkPer
	}
	if clock == nil {
		clock = systemClock{}
	}
	if maxOps < 0 || requests < 0 || per < 0 || b.FailOnErrors < 0 {
		return 0, 0, 0, nil, errors.New("scim: Bulker limits must not be negative")
	}
	if b.Send == nil {
		return 0, 0, 0, nil, errors.New("scim: Bulker.Send is nil")
	}
	return maxOps, requests, per, clock, nil
}

// Run sends ops in order and returns one result per operation sent, in the
// order of ops. A request that fails (Send's error) stops the run: its
// operations carry the error, later ones are not sent and not in the
// results, and Run returns the error. So does reaching FailOnErrors failed
// operations before the last request (ErrBulkStopped).
func (b *Bulker) Run(ctx context.Context, ops []BulkOperation) ([]BulkResult, error) {
	maxOps, requests, per, clock, err := b.limits()
	if err != nil {
		return nil, err
	}
	if err := checkBulkOps(ops, maxOps); err != nil {
		return nil, err
	}
	results := make([]BulkResult, 0, len(ops))
	var sent []time.Time
	failed := 0
	for start := 0; start < len(ops); start += maxOps {
		if b.FailOnErrors > 0 && failed >= b.FailOnErrors {
			return results, fmt.Errorf("scim: bulk: %d operations failed (FailOnErrors %d); operations %d-%d were not sent: %w",
				failed, b.FailOnErrors, start+1, len(ops), ErrBulkStopped)
		}
		chunk := ops[start:min(start+maxOps, len(ops))]
		if len(sent) >= requests {
			wait := sent[len(sent)-requests].Add(per).Sub(clock.Now())
			if wait > 0 {
				if err := clock.Sleep(ctx, wait); err != nil {
					return results, fmt.Errorf("scim: bulk: %w", err)
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return results, fmt.Errorf("scim: bulk: %w", err)
		}
		sent = append(sent, clock.Now())
		failOn := 0 // the failures this request may still have
		if b.FailOnErrors > 0 {
			failOn = b.FailOnErrors - failed
		}
		resp, err := b.Send(ctx, BulkRequest{Schemas: []string{BulkRequestSchema}, FailOnErrors: failOn, Operations: chunk})
		if err != nil {
			for _, op := range chunk {
				results = append(results, BulkResult{Operation: op, Err: err})
			}
			return results, fmt.Errorf("scim: bulk request %d (operations %d-%d): %w", len(sent), start+1, start+len(chunk), err)
		}
		for _, r := range match(chunk, resp.Operations) {
			if r.Err != nil {
				failed++
			}
			results = append(results, r)
		}
	}
	return results, nil
}

// match pairs each operation with its result: by bulkId when the operation
// has one, otherwise the next unclaimed result of the same method, in
// order (RFC 7644 §3.7.3 keeps the request's order).
func match(ops []BulkOperation, rs []BulkOperationResponse) []BulkResult {
	used := make([]bool, len(rs))
	out := make([]BulkResult, len(ops))
	for i, op := range ops {
		out[i].Operation = op
		if op.BulkID == "" {
			continue
		}
		for j, r := range rs {
			if !used[j] && r.BulkID == op.BulkID {
				used[j] = true
				out[i].Response = &rs[j]
				break
			}
		}
	}
	next := 0
	for i, op := range ops {
		if out[i].Response != nil || op.BulkID != "" {
			continue
		}
		for ; next < len(rs); next++ {
			if !used[next] && rs[next].BulkID == "" && strings.EqualFold(rs[next].Method, op.Method) {
				used[next] = true
				out[i].Response = &rs[next]
				next++
				break
			}
		}
	}
	for i := range out {
		switch r := out[i].Response; {
		case r == nil:
			out[i].Err = ErrNoBulkResult
		case r.Status < 200 || r.Status > 299:
			out[i].Err = &BulkOperationError{Status: int(r.Status), Response: r.Response}
		}
	}
	return out
}

// checkBulkOps validates the operations and that no bulkId reference
// crosses a request boundary.
func checkBulkOps(ops []BulkOperation, maxOps int) error {
	chunkOf := map[string]int{}
	for i, op := range ops {
		switch op.Method {
		case "POST", "PUT", "PATCH", "DELETE":
		default:
			return fmt.Errorf("scim: bulk operation %d: method %q is not POST, PUT, PATCH or DELETE", i+1, op.Method)
		}
		if !strings.HasPrefix(op.Path, "/") {
			return fmt.Errorf("scim: bulk operation %d: path %q must start with /", i+1, op.Path)
		}
		if op.Method == "POST" && op.BulkID == "" {
			return fmt.Errorf("scim: bulk operation %d: a POST needs a bulkId (RFC 7644 §3.7)", i+1)
		}
		if op.BulkID != "" {
			if _, dup := chunkOf[op.BulkID]; dup {
				return fmt.Errorf("scim: bulk operation %d: bulkId %q is used twice", i+1, op.BulkID)
			}
			chunkOf[op.BulkID] = i / maxOps
		}
	}
	// The distinct lengths of the bulkIds, shortest first: a reference is
	// looked up as each prefix of that length after "bulkId:".
	var lengths []int
	for id := range chunkOf {
		lengths = append(lengths, len(id))
	}
	slices.Sort(lengths)
	lengths = slices.Compact(lengths)
	for i, op := range ops {
		texts, err := refTexts(op)
		if err != nil {
			return fmt.Errorf("scim: bulk operation %d: %w", i+1, err)
		}
		for _, text := range texts {
			if ref, ok := crossRef(text, chunkOf, lengths, i/maxOps); ok {
				return fmt.Errorf("scim: bulk operation %d refers to bulkId %q, which the split of %d operations per request puts in another request", i+1, ref, maxOps)
			}
		}
	}
	return nil
}

// refTexts returns the texts of op in which a server looks for "bulkId:<id>"
// references (RFC 7644 §3.7.2): its path and every string of its data,
// keys and values, as the server decodes them (JSON escapes undone).
func refTexts(op BulkOperation) ([]string, error) {
	texts := []string{op.Path}
	if op.Data == nil {
		return texts, nil
	}
	b, err := json.Marshal(op.Data)
	if err != nil {
		return nil, fmt.Errorf("data does not encode: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return texts, nil
		}
		if err != nil {
			return nil, fmt.Errorf("data does not encode: %w", err)
		}
		if s, ok := tok.(string); ok && strings.Contains(s, bulkIDPrefix) {
			texts = append(texts, s)
		}
	}
}

// bulkIDPrefix starts a reference to another operation's bulkId.
const bulkIDPrefix = "bulkId:"

// crossRef finds in text a reference to a bulkId that chunkOf places in
// another request than chunk. The id after "bulkId:" may hold any
// character, so every known id that the text continues with counts
// (lengths lists the distinct id lengths, ascending): a server that
// replaces references textually would resolve each of them.
func crossRef(text string, chunkOf map[string]int, lengths []int, chunk int) (string, bool) {
	for rest := text; ; {
		i := strings.Index(rest, bulkIDPrefix)
		if i < 0 {
			return "", false
		}
		rest = rest[i+len(bulkIDPrefix):]
		for _, n := range lengths {
			if n > len(rest) {
				break
			}
			if c, ok := chunkOf[rest[:n]]; ok && c != chunk {
				return rest[:n], true
			}
		}
	}
}
