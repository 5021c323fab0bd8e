package testkit

import (
	"net/http"
	"strconv"
	"time"
)

// Fault is an error answer an operation gives instead of its normal one,
// to exercise a client's error handling, retries and token refresh.
type Fault struct {
	// Status is the status code: a 4xx or 5xx. 429 (and 503 with a
	// RetryAfter) carries Retry-After; 401 also makes the kit reject the
	// token the request carried, so the client must fetch a new one.
	Status int
	// RetryAfter is the wait a 429 or 503 asks for (whole seconds; 0 asks
	// for an immediate retry).
	RetryAfter time.Duration
	// Message is the error message in the vendor's error body; empty means
	// the status text.
	Message string
	// Times is how many requests fail before the operation answers normally
	// again; 0 means every request fails.
	Times int
}

// faultState is a queued Fault and how many requests it may still fail.
type faultState struct {
	Fault
	left int
}

// writeFault answers a request to path with f.
func (s *Server) writeFault(w http.ResponseWriter, path string, f Fault) {
	msg := f.Message
	if msg == "" {
		msg = http.StatusText(f.Status)
	}
	h := w.Header()
	secs := int64((f.RetryAfter + time.Second - 1) / time.Second)
	switch {
	case f.Status == http.StatusTooManyRequests:
		h.Set("Retry-After", strconv.FormatInt(secs, 10))
		if s.v.RateLimited != nil {
			s.v.RateLimited(h, time.Now().Add(time.Duration(secs)*time.Second))
		}
	case f.Status == http.StatusServiceUnavailable && f.RetryAfter > 0:
		h.Set("Retry-After", strconv.FormatInt(secs, 10))
	case f.Status == http.StatusUnauthorized:
		h.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	s.writeError(w, path, f.Status, msg)
}

// writeError answers with the vendor's error body.
func (s *Server) writeError(w http.ResponseWriter, path string, status int, msg string) {
	ct, body := s.v.Error(path, status, msg)
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
