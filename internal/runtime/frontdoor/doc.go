// Package frontdoor is the runtime shared by the generated front doors of the
// management API clients: the New constructor, the API type and the one-call
// methods in front.gen.go of every generated package (auth0/<tag>,
// umbraco/v17/<tag>, umbraco/v18/<tag>, asgardeo/<api>), and the vendors'
// Connect functions (auth0.Connect, umbraco.Connect, asgardeo.Connect).
//
// It is internal: it ships in users' binaries, but only generated code and
// the vendor packages call it. What users see of it is public elsewhere:
// the options in package option (which set [Settings]), and the types of the
// generated signatures in the module root (mgmtapi.Page, mgmtapi.Val,
// mgmtapi.Nullable, mgmtapi.Set, mgmtapi.Null).
//
// [Dial] wires package auth (cached client-credentials tokens, sent only to
// the API's origin), package retry and the redirect policy into the
// connection a vendor's Connect returns, so that one line gives a working
// connection and every operation is one method returning a typed value and
// an error:
//
//	conn, err := auth0.Connect(domain, clientID, clientSecret)
//	page, err := users.New(conn).GetUsersWithTotals(ctx, &users.GetUsersParams{PerPage: new(100)})
//
// A non-2xx answer is an [*apierror.Error]. List operations also get an
// iterator (iter.Seq2, the methods ending in All) that follows the API's own
// paging scheme through [Walk], which ends with an error wrapping
// [ErrPageLimit] where the API stops serving pages (Auth0 page/per_page past
// 1,000 results).
//
// Each generated method is one recorded call ([Telemetry.Start],
// [Call.End]) when the connection has an [Observer] (package otelmgmt's
// option: a client span and an http.client.request.duration measurement).
// [Dial] adds two layers then: the outermost carries the [Telemetry] for
// the generated New ([TelemetryOf]), the innermost, above the caller's base
// transport, counts the requests of each call (http.request.resend_count)
// and injects the trace context when otelmgmt.WithPropagator asks for it.
// Without an Observer, the default, the stack has neither layer, Start
// returns a nil *Call, and this package imports no tracing API.
//
// Known credential mistakes (an Umbraco client id without the API-user
// prefix, an Auth0 domain with a scheme or path, an Asgardeo organisation
// given as a URL, a base URL over plain http off loopback) fail in Connect,
// before any request, with an error that says what to do ([CheckUmbraco],
// [CheckAuth0Domain], [CheckAsgardeoOrg], [CheckBaseURL]).
package frontdoor
