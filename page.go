package mgmtapi

// Page is one page of a list, whatever the API's paging scheme.
type Page[T any] struct {
	// Items are the page's elements.
	Items []T
	// Total is the size of the whole list, or -1 when the API did not say.
	Total int
	// Next is the checkpoint of the following page ("" at the end) for
	// APIs that page by checkpoint.
	Next string
}

// Val returns the value of an optional member, or its zero value when
// absent: Val(u.Email), Val(u.AppMetadata)["plan"].
func Val[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
