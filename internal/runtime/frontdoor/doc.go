// Package frontdoor is the hand-written runtime shared by the generated front
// doors of the management API clients (the New constructor and the
// one-call methods in gen/<api>/front.gen.go).
//
// A front door wires package auth (cached client-credentials tokens), package
// retry and typed errors around a generated client, so that one line gives a
// working client and every operation is one method returning a typed value
// and an error:
//
//	c, err := auth0.NewAPI(domain, clientID, clientSecret)
//	users, err := c.GetUsersWithTotals(ctx, &auth0.GetUsersParams{PerPage: new(100)})
//
// A non-2xx answer is an [*apierror.Error]. List operations also get an
// iterator (iter.Seq2, the methods ending in All) that follows the API's own
// paging scheme through [Walk]; [Page] is one page of a list where the
// request chose a paged answer. [Nullable] lets a request clear a member
// (send null) as well as omit it.
//
// Known credential mistakes (an Umbraco client id without the API-user
// prefix, an Auth0 domain with a scheme or path, an Asgardeo organisation
// given as a URL, a base URL over plain http off loopback) fail in the
// constructor, before any request, with an error that says what to do.
package frontdoor
