//go:build race

package auth

// raceEnabled: under the race detector sync.Pool drops a quarter of Puts on
// purpose, so pooled header slabs are allocated more often.
const raceEnabled = true
