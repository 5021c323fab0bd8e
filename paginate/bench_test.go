package paginate

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"reflect"
	"testing"
	"time"
)

// BenchmarkSkipTake iterates 1000 items in pages of 100 and reports the
// fetches per full iteration: exactly 10, none past the end. The fetch is
// in memory, so ns/op is the engine's own overhead per 1000 items.
func BenchmarkSkipTake(b *testing.B) {
	const n, take = 1000, 100
	items := make([]int, n)
	for i := range items {
		items[i] = i // distinct: equal pages would be a cycle
	}
	fetches := 0
	fetch := func(_ context.Context, skip, take int) ([]int, int, error) {
		fetches++
		return items[min(skip, n):min(skip+take, n)], n, nil
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		count := 0
		for _, err := range SkipTake(ctx, take, fetch) {
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
		if count != n {
			b.Fatalf("items = %d, want %d", count, n)
		}
	}
	perOp := float64(fetches) / float64(b.N)
	if perOp != n/take {
		b.Fatalf("fetches per iteration = %v, want %d", perOp, n/take)
	}
	b.ReportMetric(perOp, "fetches/op")
}

// BenchmarkPageFingerprint hashes a page of 100 user-like items decoded
// from JSON (strings, pointers, a time, nested slices and a map), the
// engine's per-page cost when a list has more than one page; compare it
// with BenchmarkPageDecode, what decoding the same page costs anyway.
func BenchmarkPageFingerprint(b *testing.B) {
	page := userPage(b)
	w := walk{seed: maphash.MakeSeed()}
	v := reflect.ValueOf(page)
	b.ReportAllocs()
	for b.Loop() {
		w.items = nil
		w.page(v)
	}
}

// BenchmarkPageDecode decodes the page BenchmarkPageFingerprint hashes.
func BenchmarkPageDecode(b *testing.B) {
	raw, err := json.Marshal(userPage(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var page []benchUser
		if err := json.Unmarshal(raw, &page); err != nil {
			b.Fatal(err)
		}
	}
}

type benchUser struct {
	ID          string         `json:"user_id"`
	Email       *string        `json:"email"`
	Verified    bool           `json:"email_verified"`
	Name        string         `json:"name"`
	Created     time.Time      `json:"created_at"`
	Logins      int            `json:"logins_count"`
	Identities  []benchIdent   `json:"identities"`
	AppMetadata map[string]any `json:"app_metadata"`
}

type benchIdent struct {
	Provider string `json:"provider"`
	UserID   string `json:"user_id"`
	Social   bool   `json:"isSocial"`
}

func userPage(b *testing.B) []benchUser {
	var page []benchUser
	for i := range 100 {
		s := fmt.Sprintf(`{"user_id":"auth0|%d","email":"u%d@example.com","email_verified":true,"name":"User %d","created_at":"2026-01-02T03:04:05.678Z","logins_count":%d,
			"identities":[{"provider":"auth0","user_id":"%d","isSocial":false}],"app_metadata":{"plan":"pro","seats":%d,"tags":["a","b"]}}`, i, i, i, i, i, i)
		var u benchUser
		if err := json.Unmarshal([]byte(s), &u); err != nil {
			b.Fatal(err)
		}
		page = append(page, u)
	}
	return page
}
