package main

import (
	"context"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/contract"
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
	spec := yamlToJSONBytes(f, []byte(strings.Replace(unitSpec, "OPENAPI", "3.1.0", 1)))
	s, err := contract.Load(context.Background(), spec)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		h, err := parseHAR(strings.NewReader(in))
		if err != nil {
			return
		}
		if len(h.Log.Entries) > 20 {
			h.Log.Entries = h.Log.Entries[:20]
		}
		res := replaySpec(context.Background(), s, h)
		if _, err := draftOverlay("fuzz", spec, res.Findings); err != nil {
			t.Fatal(err)
		}
	})
}
