package store

import (
	"encoding/json"
	"fmt"
)

// MaxStoredBytes caps the JSON size of everything one store keeps, so
// that neither many large resources nor a resource grown by repeated
// PATCH requests can exhaust memory; each resource is also capped at
// MaxBodySize.
const MaxStoredBytes = 64 << 20

// budget accounts for the JSON size of the resources of one store.
type budget struct {
	max   int
	used  int
	sizes map[string]int // resource key -> size
}

func newBudget() budget { return budget{max: MaxStoredBytes, sizes: map[string]int{}} }

// fit returns the size of v if storing it under key (replacing what key
// holds, if anything) stays within the caps, else an error that says which
// cap it breaks.
func (b *budget) fit(key string, v any) (int, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("the resource cannot be encoded as JSON")
	}
	n := len(data)
	if n > MaxBodySize {
		return 0, fmt.Errorf("the resource would be larger than the test store keeps (%d bytes)", MaxBodySize)
	}
	if b.used-b.sizes[key]+n > b.max {
		return 0, fmt.Errorf("the test store holds its maximum of %d bytes", b.max)
	}
	return n, nil
}

// set records that key now holds size bytes.
func (b *budget) set(key string, size int) {
	b.used += size - b.sizes[key]
	b.sizes[key] = size
}

// drop forgets key.
func (b *budget) drop(key string) {
	b.used -= b.sizes[key]
	delete(b.sizes, key)
}
