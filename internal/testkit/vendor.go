package testkit

import (
	"net/http"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/testkit/store"
)

// Vendor describes what a kit's server does differently per vendor.
type Vendor struct {
	// Name is the vendor's name in messages ("auth0").
	Name string
	// TokenPath is the path of the token endpoint, e.g. "/oauth/token".
	TokenPath string
	// ClientIDPrefix starts the client id the kit issues (Umbraco requires
	// "umbraco-back-office-").
	ClientIDPrefix string
	// APIs are the APIs the server serves.
	APIs []API
	// Error is the vendor's error body for status with message, and its
	// media type, for a request to path (a vendor may have one shape per API).
	Error func(path string, status int, message string) (contentType string, body []byte)
	// RateLimited sets the headers of a 429 beyond Retry-After (Auth0's
	// X-RateLimit-*), given when the limit resets; nil for none.
	RateLimited func(h http.Header, reset time.Time)
}

// API is one API of a vendor.
type API struct {
	// Spec is the API's validation document.
	Spec *Spec
	// Base is the path of the API below the server root, as its client
	// sends it: "/api/v2", "/t/myorg/scim2"; "" when the document's paths
	// are absolute (Umbraco).
	Base string
	// Store, when not nil, makes a fresh stateful store for a new server
	// (unless the user turned stores off).
	Store func() store.Store
}
