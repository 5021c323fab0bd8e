package mgmtapi

import "errors"

// ErrPageLimit is returned (wrapped) by a page-based iterator when the API
// stops serving pages before the list ends: Auth0 serves only the first
// 1,000 results of a page-based list. Narrow the request (a filter or a
// search query) or use the operation's checkpoint paging where it has one.
var ErrPageLimit = errors.New("mgmtapi: the API serves no more pages of this list")
