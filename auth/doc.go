// Package auth gets OAuth 2.0 client-credentials tokens (RFC 6749 §4.4) for
// the management APIs of Umbraco, Auth0 and Asgardeo, caches them for their
// lifetime and adds them to outgoing requests.
//
// A [Source] is built from a [Config] (see the presets [Umbraco], [Auth0] and
// [Asgardeo]) and is safe for concurrent use. Share one Source per client
// identity: it exists so that many goroutines reuse one token instead of
// flooding the vendor's token endpoint.
//
// # Cache behaviour
//
// A token is fresh for most of its lifetime and is then returned with a single
// atomic load and one monotonic clock read, writing nothing that parallel
// callers share. In the last part of its lifetime (the stale window, 10–20 % of
// the lifetime by default, jittered per token so that replicas do not refresh
// in lockstep, see [WithRefreshWindow]) the first caller starts one
// background refresh and every caller keeps getting the current token, so no
// request waits for the token endpoint while a valid token exists.
//
// A token is no longer used once it is within a small safety margin of its
// expiry (5 % of its lifetime, at most 10 s). When no usable token exists,
// callers wait for a single shared fetch; each waiter honours its own context,
// and a caller that gives up does not cancel the fetch, which runs with its
// own timeout ([WithTimeout]).
//
// A failed fetch is never cached. Further attempts are spaced by bounded,
// jittered exponential backoff ([WithBackoff]), stretched to honour a
// Retry-After header; during the backoff, callers get the last error at once
// unless a still-usable token exists, which keeps being served.
//
// # Token lifetime
//
// Expiry is measured from when the token request was sent. expires_in may be a
// JSON number or a numeric string. When it is absent the token is assumed to
// live [DefaultLifetime]. Values above [MaxLifetime] are capped to it, so a
// bogus or huge value (1e12) still leads to a refresh within a day. A value of
// 0 yields a token that is handed to the callers waiting for that fetch but is
// never served from the cache. A negative value is an error.
//
// # Fleets
//
// Replicas of a service can share one token through a [SharedStore] (package
// redisstore implements it on Redis) with [WithSharedCache]. The store is
// consulted only when a token is due, never per request: one replica takes
// a lease and asks the token endpoint, the others keep serving their current
// token and then take the shared one, with the lifetime the store says is
// left. Values are sealed with AES-GCM under a key ring and stored under a
// name derived from the public part of the identity only (never the
// secret). A 401 invalidates the token fleet-wide, so the fleet fetches one
// replacement. A store that fails makes the Source fetch alone.
// [WithMetrics] and [WithRefreshHook] show what happens, including
// which replica holds the refresh lease.
//
// # Secrets
//
// The client secret and access tokens never appear in errors, log records or
// the fmt/slog output of [Config] and [Source]; text that the token endpoint
// sends back is scrubbed of the secret before it is put in an [Error], in
// every common encoding (percent-encoded in either hex case, with "+" or
// "%20", JSON-escaped, base64 including Basic's base64(id:secret)), and is
// kept on one line (control characters become spaces).
//
// # 401 answers
//
// [Source.Transport] replays a request that got 401 once with a new token.
// If that freshly fetched token is refused as well, the API refuses fresh
// tokens and minting more would only flood the token endpoint: the Source
// keeps its token and returns 401 answers as they are for a backoff
// ([WithBackoff], doubling while fresh tokens keep being refused) before it
// tries one new token again. A response that is not 401 ends the backoff.
package auth
