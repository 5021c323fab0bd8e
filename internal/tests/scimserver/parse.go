package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	filter "github.com/scim2/filter-parser/v2"
)

// node is the parser's syntax tree as JSON, for round-trip tests of the
// client's filter and PATCH path builders. String values are as the parser
// returns them: still escaped, between the quotes.
type node struct {
	Kind  string `json:"kind"` // attr, and, or, not, valuePath, path
	Attr  string `json:"attr,omitempty"`
	Op    string `json:"op,omitempty"`
	Value any    `json:"value,omitempty"`
	// Sub is the sub-attribute after a value filter (path only).
	Sub   string `json:"sub,omitempty"`
	Left  *node  `json:"left,omitempty"`
	Right *node  `json:"right,omitempty"`
}

func toNode(e filter.Expression) (*node, error) {
	switch e := e.(type) {
	case *filter.AttributeExpression:
		return &node{Kind: "attr", Attr: e.AttributePath.String(), Op: string(e.Operator), Value: e.CompareValue}, nil
	case *filter.LogicalExpression:
		l, err := toNode(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := toNode(e.Right)
		if err != nil {
			return nil, err
		}
		return &node{Kind: string(e.Operator), Left: l, Right: r}, nil
	case *filter.NotExpression:
		x, err := toNode(e.Expression)
		if err != nil {
			return nil, err
		}
		return &node{Kind: "not", Left: x}, nil
	case *filter.ValuePath:
		x, err := toNode(e.ValueFilter)
		if err != nil {
			return nil, err
		}
		return &node{Kind: "valuePath", Attr: e.AttributePath.String(), Left: x}, nil
	}
	return nil, fmt.Errorf("unknown expression %T", e)
}

func readInput(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(b) > maxBody {
		http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	return b, true
}

func writeNode(w http.ResponseWriter, n *node, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	_ = json.NewEncoder(w).Encode(n)
}

// parseFilter answers the parser's tree of the filter in the body.
func parseFilter(w http.ResponseWriter, r *http.Request) {
	b, ok := readInput(w, r)
	if !ok {
		return
	}
	e, err := filter.ParseFilter(b)
	if err != nil {
		writeNode(w, nil, err)
		return
	}
	n, err := toNode(e)
	writeNode(w, n, err)
}

// parsePath answers the parser's tree of the PATCH path in the body.
func parsePath(w http.ResponseWriter, r *http.Request) {
	b, ok := readInput(w, r)
	if !ok {
		return
	}
	p, err := filter.ParsePath(b)
	if err != nil {
		writeNode(w, nil, err)
		return
	}
	n := &node{Kind: "path", Attr: p.AttributePath.String(), Sub: p.SubAttributeName()}
	if p.ValueExpression != nil {
		n.Left, err = toNode(p.ValueExpression)
	}
	writeNode(w, n, err)
}
