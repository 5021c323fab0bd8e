package frontdoor

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
func Str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
