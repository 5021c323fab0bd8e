// Package store holds the stateful parts of the test kit's fake vendor
// servers: in-memory SCIM 2.0 Users and Groups (as Asgardeo and WSO2 Identity
// Server answer them) and Auth0 Management API users and clients.
//
// The kit validates each request against the vendor's OpenAPI document and
// then asks a [Store] for the answer, so a provisioning job can be tested end
// to end: what it creates it can read, list, filter, change and delete again,
// and it meets the vendor's conflicts and not-found errors with the vendor's
// error bodies.
//
// Every store is safe for concurrent use, bounded (at most [MaxResources] of
// each kind and request bodies of at most [MaxBodySize] bytes) and
// deterministic: identifiers come from a counter, so the same sequence of
// requests gives the same identifiers. No input makes a store panic.
package store

import (
	"net/http"
	"net/url"
)

// Request is a validated request to one API, as the kit passes it to a store.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the path below the API base, in escaped form, e.g. "/Users/abc"
	// (SCIM base /t/<org>/scim2) or "/users/auth0%7C123" (Auth0 base /api/v2).
	Path string
	// Query is the parsed query string.
	Query url.Values
	// Header holds the request headers (If-Match is read by SCIM stores).
	Header http.Header
	// Body is the request body.
	Body []byte
	// Base is the absolute base URL of the API as the client sees it; SCIM
	// stores build meta.location and $ref from it.
	Base string
}

// Response is a store's answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// A Store answers the operations it keeps state for; ok is false for the
// others, so the kit can answer them another way.
type Store interface {
	Serve(r Request) (resp Response, ok bool)
}

const (
	// MaxResources caps the resources of each kind a store keeps (users,
	// groups, clients), so a runaway test cannot exhaust memory; creating
	// one more is answered with a clear 400.
	MaxResources = 10_000
	// MaxBodySize caps a request body; a bigger one is answered with 413.
	// Auth0 documents the same limit ("All endpoints accept a maximum
	// payload size of 1 megabyte", https://auth0.com/docs/api/management/v2).
	MaxBodySize = 1 << 20
)

var (
	_ Store = (*SCIM)(nil)
	_ Store = (*Auth0)(nil)
)
