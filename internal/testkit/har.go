package testkit

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// maxHARSize bounds the HAR file the kit reads.
const maxHARSize = 256 << 20

// harFile is the part of a HAR 1.2 file (log.entries) the kit reads.
type harFile struct {
	Log struct {
		Entries []struct {
			Request struct {
				Method string `json:"method"`
				URL    string `json:"url"`
			} `json:"request"`
			Response struct {
				Status  int `json:"status"`
				Headers []struct {
					Name  string `json:"name"`
					Value string `json:"value"`
				} `json:"headers"`
				Content struct {
					MimeType string `json:"mimeType"`
					Text     string `json:"text"`
					Encoding string `json:"encoding"`
				} `json:"content"`
			} `json:"response"`
		} `json:"entries"`
	} `json:"log"`
}

// loadHAR reads the HAR file at path and keeps, for each operation of the
// server's APIs, the response of the first entry whose request routes to
// it (the request's path as recorded, below the document's server base
// path, e.g. /t/<org>/scim2/Users, whatever the recorded host or
// organisation). Entries that route to no operation are counted in the
// error only when none routes.
func (s *Server) loadHAR(path string) (map[opKey]answer, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxHARSize {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxHARSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var h harFile
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("%s is not a HAR file: %w", path, err)
	}
	out := map[opKey]answer{}
	for i, e := range h.Log.Entries {
		u, err := url.Parse(e.Request.URL)
		if err != nil || e.Response.Status < 100 || e.Response.Status > 599 {
			continue
		}
		req, err := http.NewRequest(e.Request.Method, "http://kit"+u.EscapedPath(), http.NoBody)
		if err != nil {
			continue
		}
		for ai, a := range s.apis {
			rcv, _ := a.spec.CheckRequest(req)
			if rcv == nil {
				continue
			}
			rt := rcv.Route()
			k := opKey{ai, operationID(rt.Method, rt.Path, rt.Operation)}
			if _, dup := out[k]; dup {
				break
			}
			body := []byte(e.Response.Content.Text)
			if e.Response.Content.Encoding == "base64" {
				if body, err = base64.StdEncoding.DecodeString(e.Response.Content.Text); err != nil {
					return nil, fmt.Errorf("%s: entry %d: the response body is not base64", path, i)
				}
			}
			ans := answer{status: e.Response.Status, header: http.Header{}, body: body,
				source: fmt.Sprintf("HAR entry %d of %s", i, path)}
			for _, hd := range e.Response.Headers {
				if n := http.CanonicalHeaderKey(hd.Name); keepHARHeader(n) {
					ans.header.Add(n, hd.Value)
				}
			}
			if ans.header.Get("Content-Type") == "" && e.Response.Content.MimeType != "" {
				ans.header.Set("Content-Type", e.Response.Content.MimeType)
			}
			out[k] = ans
			break
		}
	}
	if len(out) == 0 && len(h.Log.Entries) > 0 {
		return nil, fmt.Errorf("%s: none of its %d entries is a request to an operation of the kit's APIs", path, len(h.Log.Entries))
	}
	return out, nil
}

// keepHARHeader drops the headers of a recorded response that describe the
// recorded connection rather than the answer (and cookies, which may hold
// recorded sessions).
func keepHARHeader(name string) bool {
	switch name {
	case "Content-Length", "Content-Encoding", "Transfer-Encoding", "Connection", "Keep-Alive", "Set-Cookie", "Date":
		return false
	}
	return !strings.HasPrefix(name, ":")
}
