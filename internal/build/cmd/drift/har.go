package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// maxHARSize bounds the HAR file read into memory.
const maxHARSize = 512 << 20

// har is the part of a HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/)
// the drift report reads and the recorder writes.
type har struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Entries []harEntry `json:"entries"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
}

type harTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	Cookies     []harNV      `json:"cookies"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
	PostData    *harPostData `json:"postData,omitempty"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	// Encoding is not in HAR 1.2 for postData, but some exporters write
	// "base64" here as they do for response content.
	Encoding string `json:"encoding,omitempty"`
}

type harResponse struct {
	Status      int        `json:"status"`
	StatusText  string     `json:"statusText"`
	HTTPVersion string     `json:"httpVersion"`
	Headers     []harNV    `json:"headers"`
	Cookies     []harNV    `json:"cookies"`
	Content     harContent `json:"content"`
	RedirectURL string     `json:"redirectURL"`
	HeadersSize int        `json:"headersSize"`
	BodySize    int        `json:"bodySize"`
}

type harContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// readHAR reads and parses a HAR file of at most maxHARSize bytes.
func readHAR(path string) (*har, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseHAR(f)
}

func parseHAR(r io.Reader) (*har, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxHARSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxHARSize {
		return nil, fmt.Errorf("HAR file is larger than %d MiB", maxHARSize>>20)
	}
	var h har
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("not a HAR file: %w", err)
	}
	if len(h.Log.Entries) == 0 {
		return nil, errors.New("HAR file has no entries (log.entries)")
	}
	return &h, nil
}

// body decodes a HAR text, base64 or not.
func harBody(text, encoding string) ([]byte, error) {
	if strings.EqualFold(encoding, "base64") {
		return base64.StdEncoding.DecodeString(text)
	}
	return []byte(text), nil
}

// request rebuilds the HTTP request of e. The response is attached to the
// request's context so that replay (below) can answer it.
func (e *harEntry) request() (*http.Request, error) {
	u, err := url.Parse(e.Request.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("request URL %q is not absolute", e.Request.URL)
	}
	var body io.Reader
	if pd := e.Request.PostData; pd != nil && (pd.Text != "" || pd.Encoding != "") {
		b, err := harBody(pd.Text, pd.Encoding)
		if err != nil {
			return nil, fmt.Errorf("request body: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(e.Request.Method, u.String(), body)
	if err != nil {
		return nil, err
	}
	for _, h := range e.Request.Headers {
		if strings.HasPrefix(h.Name, ":") { // HTTP/2 pseudo-headers
			continue
		}
		req.Header.Add(h.Name, h.Value)
	}
	if pd := e.Request.PostData; pd != nil && req.Header.Get("Content-Type") == "" && pd.MimeType != "" {
		req.Header.Set("Content-Type", pd.MimeType)
	}
	return req, nil
}

// response rebuilds the HTTP response of e for req.
func (e *harEntry) response(req *http.Request) (*http.Response, error) {
	c := e.Response.Content
	b, err := harBody(c.Text, c.Encoding)
	if err != nil {
		return nil, fmt.Errorf("response body: %w", err)
	}
	h := http.Header{}
	for _, nv := range e.Response.Headers {
		if strings.HasPrefix(nv.Name, ":") {
			continue
		}
		h.Add(nv.Name, nv.Value)
	}
	if h.Get("Content-Type") == "" && c.MimeType != "" && len(b) > 0 {
		h.Set("Content-Type", c.MimeType)
	}
	// The recorded body is already decoded.
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	return &http.Response{
		StatusCode:    e.Response.Status,
		Status:        fmt.Sprintf("%d %s", e.Response.Status, e.Response.StatusText),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(b)),
		ContentLength: int64(len(b)),
		Request:       req,
	}, nil
}

// replayer is the RoundTripper under the contract transport when traffic
// is replayed: it answers each request with the recorded response of its
// entry, and never touches the network.
type replayer struct{ entry *harEntry }

func (r replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return r.entry.response(req)
}

// recorder is an http.RoundTripper that records every exchange it carries
// as a HAR 1.2 entry. Credentials (Authorization, Proxy-Authorization,
// Cookie, Set-Cookie and headers named like a secret) are written as
// "REDACTED" (keeping an Authorization scheme), so recorded files can be
// committed and still show that credentials were sent.
type recorder struct {
	// Base sends the requests (http.DefaultTransport when nil).
	Base http.RoundTripper
	// Origin, when set, replaces scheme and host of recorded URLs (for
	// example "http://localhost:4010"), so that files do not depend on a
	// random port.
	Origin string

	mu      sync.Mutex
	entries []harEntry
}

// RoundTrip implements http.RoundTripper. Bodies are buffered to be
// recorded: use it for test traffic, not for large transfers.
func (rec *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	base := rec.Base
	if base == nil {
		base = http.DefaultTransport
	}
	start := time.Now()
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.ContentLength = int64(len(b))
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))

	u := *req.URL
	if rec.Origin != "" {
		if o, err := url.Parse(rec.Origin); err == nil {
			u.Scheme, u.Host = o.Scheme, o.Host
		}
	}
	e := harEntry{
		StartedDateTime: start.UTC().Format(time.RFC3339Nano),
		Time:            float64(time.Since(start).Microseconds()) / 1000,
		Request: harRequest{
			Method: req.Method, URL: u.String(), HTTPVersion: "HTTP/1.1",
			Headers: harHeaders(req.Header), QueryString: harQuery(u.Query()),
			Cookies: []harNV{}, HeadersSize: -1, BodySize: len(reqBody),
		},
		Response: harResponse{
			Status: resp.StatusCode, StatusText: http.StatusText(resp.StatusCode), HTTPVersion: "HTTP/1.1",
			Headers: harHeaders(resp.Header), Cookies: []harNV{},
			Content:     harContent{Size: len(respBody), MimeType: resp.Header.Get("Content-Type")},
			HeadersSize: -1, BodySize: len(respBody),
		},
	}
	if reqBody != nil {
		e.Request.PostData = &harPostData{MimeType: req.Header.Get("Content-Type"), Text: string(reqBody)}
	}
	if json.Valid(respBody) || isText(resp.Header.Get("Content-Type")) {
		e.Response.Content.Text = string(respBody)
	} else if len(respBody) > 0 {
		e.Response.Content.Text = base64.StdEncoding.EncodeToString(respBody)
		e.Response.Content.Encoding = "base64"
	}
	rec.mu.Lock()
	rec.entries = append(rec.entries, e)
	rec.mu.Unlock()
	return resp, nil
}

// HAR returns what was recorded as a HAR 1.2 document, indented.
func (rec *recorder) HAR() ([]byte, error) {
	rec.mu.Lock()
	h := har{Log: harLog{
		Version: "1.2",
		Creator: harCreator{Name: "mgmtapi drift recorder", Version: "1"},
		Entries: append([]harEntry(nil), rec.entries...),
	}}
	rec.mu.Unlock()
	return json.MarshalIndent(h, "", "  ")
}

func isText(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "xml")
}

func harHeaders(h http.Header) []harNV {
	out := []harNV{}
	for _, name := range sortedKeys(h) {
		for _, v := range h[name] {
			out = append(out, harNV{Name: name, Value: redactHeader(name, v)})
		}
	}
	return out
}

func harQuery(q url.Values) []harNV {
	out := []harNV{}
	for _, name := range sortedKeys(q) {
		for _, v := range q[name] {
			if secretName(name) {
				v = "REDACTED"
			}
			out = append(out, harNV{Name: name, Value: v})
		}
	}
	return out
}

// redactHeader hides credential values; an Authorization header keeps its
// scheme so that a replay still shows which credentials were sent.
func redactHeader(name, v string) string {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization":
		if scheme, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
			return scheme + " REDACTED"
		}
		return "REDACTED"
	case "cookie", "set-cookie":
		return "REDACTED"
	}
	if secretName(name) {
		return "REDACTED"
	}
	return v
}

func secretName(name string) bool {
	l := strings.ToLower(name)
	if strings.HasPrefix(l, "access-control-") { // CORS headers name credentials, hold none
		return false
	}
	for _, w := range []string{"token", "secret", "key", "password", "session", "auth", "credential", "signature"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	return slices.Sorted(maps.Keys(m))
}
