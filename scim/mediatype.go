package scim

import (
	"context"
	"net/http"
)

// MediaType is SCIM's media type (RFC 7644 §8.1).
const MediaType = "application/scim+json"

// SetMediaType is a request editor for the generated SCIM clients
// (scimusers.WithRequestEditorFn(scim.SetMediaType)): it sends
// "Accept: application/scim+json" and turns the generated
// "Content-Type: application/json" into application/scim+json, as RFC 7644
// §3.1 and §3.8 ask. The clients are generated from the application/json
// view of the documents so that their names stay short; the fixed documents
// declare both media types.
func SetMediaType(_ context.Context, req *http.Request) error {
	req.Header.Set("Accept", MediaType)
	if req.Header.Get("Content-Type") == "application/json" {
		req.Header.Set("Content-Type", MediaType)
	}
	return nil
}
