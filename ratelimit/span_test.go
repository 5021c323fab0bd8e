package ratelimit

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/runtime/waits"
)

type okTransport struct{}

func (okTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}, Request: req}, nil
}

// rateWaits records the RateWait calls a Transport makes.
type rateWaits struct {
	waits.Recorder // the other waits panic: a rate limiter must not report them
	mu             sync.Mutex
	got            []time.Duration
	errs           []string
}

func (w *rateWaits) RateWait(start time.Time, waited time.Duration, errType string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, waited)
	w.errs = append(w.errs, errType)
}

// Each request's wait for its slot is reported to the call recorder of its
// context (package otelmgmt turns it into a span event), with how long it
// waited: the second of two back-to-back requests at 20/s (burst 1) waits
// for its slot; a context without a recorder reports nothing.
func TestWaitIsReported(t *testing.T) {
	rec := &rateWaits{}
	rt := &Transport{Base: okTransport{}, Limit: 20, Share: 1, Burst: 1}
	ctx := waits.NewContext(t.Context(), rec)
	for range 2 {
		req, _ := http.NewRequestWithContext(ctx, "GET", "https://api.example.com/x", nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", "https://api.example.com/x", nil)
	if resp, err := rt.RoundTrip(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	if len(rec.got) != 2 || rec.errs[0] != "" || rec.errs[1] != "" {
		t.Fatalf("want two waits without error, got %v %q", rec.got, rec.errs)
	}
	// The slot interval is 50 ms; the first request has the burst slot.
	if rec.got[1] < 20*time.Millisecond || rec.got[1] > DefaultMaxWait || rec.got[0] > rec.got[1] {
		t.Errorf("waits %v: want the second request to wait for its slot", rec.got)
	}
}
