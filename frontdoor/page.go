package frontdoor

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

// number is what paged responses count with.
type number interface {
	~int | ~int32 | ~int64 | ~float32 | ~float64
}

// Count converts a total to int.
func Count[N number](n N) int { return int(n) }

// CountPtr converts an optional total to int: -1 when absent.
func CountPtr[N number](p *N) int {
	if p == nil {
		return -1
	}
	return int(*p)
}

// Str returns an optional string ("" when absent).
func Str(p *string) string { return Val(p) }

// Val returns the value of an optional member, or its zero value when
// absent: Val(u.Email), Val(u.AppMetadata)["plan"].
func Val[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
