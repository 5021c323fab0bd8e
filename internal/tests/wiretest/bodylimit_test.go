package wiretest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mgmtapi/mgmtapi/apierror"
	auth0 "github.com/mgmtapi/mgmtapi/internal/tests/apis/auth0"
)

// endless is a body that never ends: n counts the bytes read from it.
type endless struct{ n *atomic.Int64 }

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	e.n.Add(int64(len(p)))
	return len(p), nil
}

func (endless) Close() error { return nil }

// endlessServer answers every request with status and an endless
// Content-Type: application/json body, streamed until the client hangs up
// (or, as a backstop, after 1 GiB).
func endlessServer(status int) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		chunk := []byte(strings.Repeat(" ", 32<<10))
		for sent := 0; sent < 1<<30; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
}

// countingTransport counts the response body bytes the client reads.
type countingTransport struct{ n atomic.Int64 }

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &countingBody{ReadCloser: resp.Body, n: &t.n}
	return resp, nil
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	k, err := b.ReadCloser.Read(p)
	b.n.Add(int64(k))
	return k, err
}

// TestResponseBodyLimit calls one ...WithResponse method of every client,
// with a small WithMaxResponseBody limit, against a server that streams an
// endless body (a 2xx and a 5xx): the call fails with an
// *apierror.TooLargeError naming the limit and the option, after reading
// exactly one byte more than the limit.
func TestResponseBodyLimit(t *testing.T) {
	const limit = 100 << 10
	for _, a := range apis() {
		for _, status := range []int{http.StatusOK, http.StatusInternalServerError} {
			t.Run(fmt.Sprintf("%s/%d", a.name, status), func(t *testing.T) {
				srv := endlessServer(status)
				defer srv.Close()
				tr := &countingTransport{}
				c, err := a.withResponses(srv.URL, limit, &http.Client{Transport: tr})
				if err != nil {
					t.Fatal(err)
				}
				ms := responseMethods(c)
				if len(ms) == 0 {
					t.Fatal("no ...WithResponse method found")
				}
				m := ms[0]
				res, err := m.call(t.Context(), c)
				if !res.IsNil() {
					t.Errorf("%s returned a response with an over-long body", m.Name)
				}
				var tl *apierror.TooLargeError
				if !errors.As(err, &tl) {
					t.Fatalf("%s: err = %v, want *apierror.TooLargeError", m.Name, err)
				}
				// The option is named by the package the operation is in (a
				// tag package of a split API).
				pkg, ok := strings.CutSuffix(tl.Option, ".WithMaxResponseBody")
				if tl.Limit != limit || tl.StatusCode != status || !ok || pkg == "" || strings.ContainsAny(pkg, "./ ") {
					t.Errorf("%s: %+v, want limit %d, status %d, option <package>.WithMaxResponseBody", m.Name, tl, limit, status)
				}
				msg := err.Error()
				for _, want := range []string{strconv.Itoa(limit) + " bytes", tl.Option, strconv.Itoa(status)} {
					if !strings.Contains(msg, want) {
						t.Errorf("%s: error %q does not say %q", m.Name, msg, want)
					}
				}
				if got := tr.n.Load(); got != limit+1 {
					t.Errorf("%s read %d body bytes, want %d (the limit and one more)", m.Name, got, limit+1)
				}
			})
		}
	}
}

// TestResponseBodyLimitChecked follows the README's path,
// apierror.Checked(c.XWithResponse(...)), for an endless error body with the
// default limit: the error is the *apierror.TooLargeError, and the client
// read DefaultMaxResponseBody+1 bytes, not the body.
func TestResponseBodyLimitChecked(t *testing.T) {
	srv := endlessServer(http.StatusInternalServerError)
	defer srv.Close()
	tr := &countingTransport{}
	c, err := auth0.NewClientWithResponses(srv.URL, auth0.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	res, err := apierror.Checked(c.GetUsersWithResponse(t.Context(), nil))
	var tl *apierror.TooLargeError
	if !errors.As(err, &tl) || tl.Limit != auth0.DefaultMaxResponseBody {
		t.Fatalf("err = %v, want *apierror.TooLargeError with the default limit", err)
	}
	if res != nil {
		t.Errorf("res = %+v, want nil", res)
	}
	if got := tr.n.Load(); got != auth0.DefaultMaxResponseBody+1 {
		t.Errorf("read %d body bytes, want %d", got, auth0.DefaultMaxResponseBody+1)
	}
}

// TestParseResponseLimit: a Parse...Response function called directly (not
// through a client) reads at most DefaultMaxResponseBody+1 bytes.
func TestParseResponseLimit(t *testing.T) {
	var n atomic.Int64
	rsp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: endless{&n}}
	_, err := auth0.ParseGetUsersResponse(rsp)
	var tl *apierror.TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("err = %v, want *apierror.TooLargeError", err)
	}
	if got := n.Load(); got > auth0.DefaultMaxResponseBody+1 {
		t.Errorf("read %d bytes, want at most %d", got, auth0.DefaultMaxResponseBody+1)
	}
}

// TestResponseBodyLimitBoundary: a body of exactly the limit is read whole;
// one byte more is refused.
func TestResponseBodyLimitBoundary(t *testing.T) {
	const limit = 1000
	for _, size := range []int{limit, limit + 1} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, strings.Repeat("x", size))
		}))
		c, err := auth0.NewClientWithResponses(srv.URL, auth0.WithMaxResponseBody(limit))
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.GetUsersWithResponse(t.Context(), nil)
		srv.Close()
		switch {
		case size <= limit && (err != nil || len(res.Body) != size):
			t.Errorf("size %d: err = %v, want the whole body", size, err)
		case size > limit && err == nil:
			t.Errorf("size %d: no error, want *apierror.TooLargeError", size)
		}
	}
}

// TestWithMaxResponseBodyRejectsNonPositive: a limit of 0 or less is a
// construction error, not "unlimited".
func TestWithMaxResponseBodyRejectsNonPositive(t *testing.T) {
	for _, n := range []int64{0, -1} {
		if _, err := auth0.NewClientWithResponses("https://example.com", auth0.WithMaxResponseBody(n)); err == nil || !strings.Contains(err.Error(), "WithMaxResponseBody") {
			t.Errorf("WithMaxResponseBody(%d): err = %v, want an error naming the option", n, err)
		}
	}
}
