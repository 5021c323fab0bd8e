package main

import (
	"context"
	"strings"
	"testing"
)

// FuzzReplay feeds arbitrary HAR text to the parser and, when it parses,
// replays it against a small spec: bad input must give an error or a
// report, never a panic or a hang.
func FuzzReplay(f *testing.F) {
	for _, seed := range []string{
		`{"log":{"entries":[{"request":{"method":"GET","url":"http://x/widgets"},"response":{"status":200,"content":{"mimeType":"application/json","text":"[{\"id\":\"a\",\"kind\":\"small\",\"size\":3}]"}}}]}}`,
		`{"log":{"entries":[{"request":{"method":"POST","url":"http://x/widgets","postData":{"mimeType":"application/json","text":"{}"}},"response":{"status":201,"content":{"mimeType":"application/json","text":"eyJpZCI6MX0=","encoding":"base64"}}}]}}`,
		`{"log":{"entries":[{"request":{"method":"DELETE","url":"http://x/widgets/1"},"response":{"status":202,"content":{"mimeType":"application/json","text":"{\"a\":[[[[null]]]]}"}}}]}}`,
		`{"log":{"entries":[{"request":{"method":"GET","url":"::"},"response":{"status":-1}}]}}`,
		`{"log":{"entries":[{}]}}`,
	} {
		f.Add(seed)
	}
	spec := []byte(strings.Replace(unitSpec, "OPENAPI", "3.1.0", 1))
	f.Fuzz(func(t *testing.T, in string) {
		h, err := parseHAR(strings.NewReader(in))
		if err != nil {
			return
		}
		if len(h.Log.Entries) > 20 {
			h.Log.Entries = h.Log.Entries[:20]
		}
		res, err := replay(context.Background(), spec, h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := draftOverlay("fuzz", yamlToJSONBytes(t, spec), res.Findings); err != nil {
			t.Fatal(err)
		}
	})
}
