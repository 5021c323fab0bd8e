package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
)

// bulkRequestSchema is the schema URI of a bulk request (RFC 7644 §3.7).
const bulkRequestSchema = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"

type bulkOp struct {
	Method  string          `json:"method"`
	BulkID  string          `json:"bulkId,omitempty"`
	Version string          `json:"version,omitempty"`
	Path    string          `json:"path"`
	Data    json.RawMessage `json:"data,omitempty"`
}

type bulkResult struct {
	Method   string          `json:"method"`
	BulkID   string          `json:"bulkId,omitempty"`
	Version  string          `json:"version,omitempty"`
	Location string          `json:"location,omitempty"`
	Status   string          `json:"status"`
	Response json.RawMessage `json:"response,omitempty"`
}

var bulkRef = regexp.MustCompile(`bulkId:([A-Za-z0-9._~-]+)`)

// bulk serves POST /Bulk (RFC 7644 §3.7), which elimity-com/scim does not
// implement: each operation is run, in order, through the same SCIM handler
// as a single request would be, with "bulkId:<id>" references to earlier
// POSTs of the request replaced by the ids they created. maxOps bounds the
// operations per request (413 beyond, as Asgardeo's 1,000).
func bulk(scimHandler http.Handler, maxOps int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Schemas      []string `json:"schemas"`
			FailOnErrors int      `json:"failOnErrors"`
			Operations   []bulkOp `json:"Operations"`
		}
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, "invalidSyntax", "bulk request: "+err.Error())
			return
		}
		if len(req.Schemas) != 1 || req.Schemas[0] != bulkRequestSchema {
			writeError(w, http.StatusBadRequest, "invalidValue", "bulk request: schemas must be ["+bulkRequestSchema+"]")
			return
		}
		if len(req.Operations) > maxOps {
			writeError(w, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("The number of operations exceeds maxOperations (%d).", maxOps))
			return
		}
		created := map[string]string{} // bulkId -> id
		var results []bulkResult
		errs := 0
		for _, op := range req.Operations {
			if req.FailOnErrors > 0 && errs >= req.FailOnErrors {
				break
			}
			res := bulkResult{Method: op.Method, BulkID: op.BulkID}
			path, data, missing := resolve(op.Path, op.Data, created)
			if missing != "" {
				res.Status = "409"
				res.Response, _ = json.Marshal(map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"},
					"status": "409", "scimType": "invalidValue", "detail": "unresolved bulkId " + missing})
				results = append(results, res)
				errs++
				continue
			}
			sub, err := http.NewRequestWithContext(r.Context(), op.Method, path, bytes.NewReader(data))
			if err != nil || !strings.HasPrefix(path, "/") {
				writeError(w, http.StatusBadRequest, "invalidValue", "bulk operation: bad method or path")
				return
			}
			sub.Header.Set("Authorization", r.Header.Get("Authorization"))
			sub.Header.Set("Content-Type", "application/scim+json")
			if op.Version != "" {
				sub.Header.Set("If-Match", op.Version)
			}
			rec := httptest.NewRecorder()
			scimHandler.ServeHTTP(rec, sub)
			res.Status = strconv.Itoa(rec.Code)
			res.Version = rec.Header().Get("Etag")
			body := rec.Body.Bytes()
			if rec.Code >= 400 {
				res.Response = json.RawMessage(body)
				errs++
			} else if op.Method == http.MethodPost {
				var out struct {
					ID string `json:"id"`
				}
				if json.Unmarshal(body, &out) == nil && out.ID != "" {
					created[op.BulkID] = out.ID
					res.Location = strings.TrimSuffix(path, "/") + "/" + out.ID
				}
			} else if op.Method != http.MethodDelete {
				res.Location = path
			}
			results = append(results, res)
		}
		w.Header().Set("Content-Type", "application/scim+json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:BulkResponse"},
			"Operations": results,
		})
	})
}

// resolve replaces bulkId references in path and data; it returns the
// first reference with no created resource.
func resolve(path string, data json.RawMessage, created map[string]string) (string, []byte, string) {
	missing := ""
	sub := func(s string) string {
		return bulkRef.ReplaceAllStringFunc(s, func(m string) string {
			id, ok := created[strings.TrimPrefix(m, "bulkId:")]
			if !ok {
				if missing == "" {
					missing = m
				}
				return m
			}
			return id
		})
	}
	return sub(path), []byte(sub(string(data))), missing
}
