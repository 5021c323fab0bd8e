package testkit

import (
	"net/http"
	"net/url"
	"time"
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
	Store func() Store
}

// StoreRequest is a request as a [Store] sees it. It has the fields of
// internal/testkit/store.Request, so one converts to the other.
type StoreRequest struct {
	// Method and Path: the path below the API base, escaped ("/Users/abc").
	Method, Path string
	Query        url.Values
	Header       http.Header
	Body         []byte
	// Base is the absolute base URL of the API as the client sees it.
	Base string
}

// StoreResponse is a store's answer (fields of store.Response).
type StoreResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// Store keeps the state of some operations of an API (SCIM Users and
// Groups, Auth0 users and clients): ok is false for a request that is not
// one of its operations, which the kit then answers otherwise.
type Store interface {
	Serve(r StoreRequest) (resp StoreResponse, ok bool)
}

// StoreFunc adapts a function to [Store].
type StoreFunc func(r StoreRequest) (StoreResponse, bool)

// Serve calls f.
func (f StoreFunc) Serve(r StoreRequest) (StoreResponse, bool) { return f(r) }
