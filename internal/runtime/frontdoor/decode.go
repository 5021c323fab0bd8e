package frontdoor

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/mgmtapi/mgmtapi/apierror"
)

// MaxBody bounds the success body a front-door method reads: a larger body
// is an error, never an unbounded read.
const MaxBody = 64 << 20

// HeaderGeneratedResource is the header in which Umbraco names the resource
// a create made (its id).
const HeaderGeneratedResource = "Umb-Generated-Resource"

// NoContent finishes a front-door call whose success has no body to return.
func NoContent(resp *http.Response, err error) error {
	if err != nil {
		return err
	}
	if err := apierror.Check(resp, nil); err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	return resp.Body.Close()
}

// Created finishes an Umbraco create: it returns the id of the new resource
// from the Umb-Generated-Resource header, else from the last segment of
// Location.
func Created(resp *http.Response, err error) (string, error) {
	if err := NoContent(resp, err); err != nil {
		return "", err
	}
	if id := resp.Header.Get(HeaderGeneratedResource); id != "" {
		return id, nil
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		if i := strings.IndexAny(loc, "?#"); i >= 0 {
			loc = loc[:i]
		}
		if id := path.Base(strings.TrimRight(loc, "/")); id != "." && id != "/" {
			return id, nil
		}
	}
	return "", fmt.Errorf("%s: %d response names no new resource (no %s or Location header)", where(resp), resp.StatusCode, HeaderGeneratedResource)
}

// Body finishes a front-door call whose success body is returned raw (files,
// text): a non-2xx status is an [*apierror.Error]; at most [MaxBody] bytes
// are read.
func Body(resp *http.Response, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	if err := apierror.Check(resp, nil); err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%s: reading the %d response: %w", where(resp), resp.StatusCode, err)
	}
	if len(body) > MaxBody {
		return nil, fmt.Errorf("%s: the %d response body exceeds %d bytes", where(resp), resp.StatusCode, MaxBody)
	}
	return body, nil
}

// where names the request of resp without query values.
func where(resp *http.Response) string {
	if resp == nil || resp.Request == nil || resp.Request.URL == nil {
		return "frontdoor"
	}
	u := *resp.Request.URL
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return resp.Request.Method + " " + u.String()
}

// ErrPageLimit is returned by page-based iterators when the API stops
// serving pages (Auth0 serves the first 1,000 results of a page-based list)
// before the list ends.
var ErrPageLimit = errors.New("frontdoor: the API serves no more pages of this list")
