package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// maxBody bounds a request body the server reads (and records).
const maxBody = 1 << 20

// maxEntries bounds the log; older entries are dropped first.
const maxEntries = 10000

// entry is one recorded request and the status it was answered with.
type entry struct {
	Seq         int    `json:"seq"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	Query       string `json:"query,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Accept      string `json:"accept,omitempty"`
	IfMatch     string `json:"ifMatch,omitempty"`
	IfNoneMatch string `json:"ifNoneMatch,omitempty"`
	// Bearer says whether an Authorization: Bearer header was sent; the
	// token itself is never recorded.
	Bearer bool   `json:"bearer"`
	Body   string `json:"body,omitempty"`
	Status int    `json:"status"`
}

// requestLog records every SCIM request; GET /_requests?since=N returns the
// entries with seq > N.
type requestLog struct {
	mu      sync.Mutex
	seq     int
	entries []entry
}

func (l *requestLog) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil || len(body) > maxBody {
			writeError(w, http.StatusRequestEntityTooLarge, "", "request body too large or unreadable")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		auth := r.Header.Get("Authorization")
		l.mu.Lock()
		defer l.mu.Unlock()
		l.seq++
		l.entries = append(l.entries, entry{
			Seq: l.seq, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			ContentType: r.Header.Get("Content-Type"), Accept: r.Header.Get("Accept"),
			IfMatch: r.Header.Get("If-Match"), IfNoneMatch: r.Header.Get("If-None-Match"),
			Bearer: len(auth) > 7 && auth[:7] == "Bearer ",
			Body:   string(body), Status: sw.status,
		})
		if len(l.entries) > maxEntries {
			l.entries = l.entries[len(l.entries)-maxEntries:]
		}
	})
}

func (l *requestLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	since, _ := strconv.Atoi(r.URL.Query().Get("since"))
	l.mu.Lock()
	out := []entry{}
	for _, e := range l.entries {
		if e.Seq > since {
			out = append(out, e)
		}
	}
	l.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// writeError writes a SCIM error response (RFC 7644 §3.12).
func writeError(w http.ResponseWriter, status int, scimType, detail string) {
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(status)
	body := map[string]any{
		"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"},
		"status":  strconv.Itoa(status),
		"detail":  detail,
	}
	if scimType != "" {
		body["scimType"] = scimType
	}
	_ = json.NewEncoder(w).Encode(body)
}
