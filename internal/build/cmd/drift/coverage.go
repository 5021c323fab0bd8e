package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/mgmtapi/mgmtapi/contract"
)

// coverage is the typed coverage of recorded traffic: what reached the
// caller without a Go type for it. The fixed specs keep unknown members
// (keep-unknown-members), so the generated types decode a member their
// schema does not declare into AdditionalProperties; a call to no
// operation, an undeclared status and a value outside an enum have no
// typed result either.
type coverage struct {
	// members are the unknown-member changes: one per schema (after
	// aliases) and member.
	members []*change
	// noOperation are the calls that matched no operation, by "METHOD
	// path", with how many times each was seen.
	noOperation map[string]int
	// statuses are the undeclared-status changes: one per operation,
	// status and media type.
	statuses []*change
	// enums are the enum-value changes: one per schema, with every value
	// seen outside it.
	enums []*change
}

func typedCoverage(d *draft, r *result) *coverage {
	c := &coverage{noOperation: r.NoOperation}
	for _, ch := range d.changes {
		switch ch.kind {
		case contract.UnknownMember:
			c.members = append(c.members, ch)
		case contract.UndeclaredStatus:
			c.statuses = append(c.statuses, ch)
		case contract.EnumValue:
			c.enums = append(c.enums, ch)
		}
	}
	slices.SortStableFunc(c.members, func(a, b *change) int {
		return strings.Compare(a.schema+"\x00"+a.member, b.schema+"\x00"+b.member)
	})
	return c
}

// counts are the four numbers of the summary line: distinct members (per
// schema), calls to no operation, distinct undeclared statuses (per
// operation) and distinct values outside an enum (per schema).
func (c *coverage) counts() (members, calls, statuses, enums int) {
	for _, n := range c.noOperation {
		calls += n
	}
	for _, e := range c.enums {
		enums += len(e.values)
	}
	return len(c.members), calls, len(c.statuses), enums
}

func (c *coverage) zero() bool {
	m, n, s, e := c.counts()
	return m+n+s+e == 0
}

// summary is the line a check can read.
func (c *coverage) summary() string {
	m, n, s, e := c.counts()
	return fmt.Sprintf("typed coverage: %d members only in AdditionalProperties, %d calls to no operation, %d undeclared statuses, %d enum misses", m, n, s, e)
}

// print writes each item with its draft action (or why there is none),
// then the summary line.
func (c *coverage) print(w io.Writer) {
	m, n, s, e := c.counts()
	if m > 0 {
		fmt.Fprintf(w, "members only in AdditionalProperties (%d):\n", m)
		for i := 0; i < len(c.members); {
			schema := c.members[i].schema
			j := i
			for j < len(c.members) && c.members[j].schema == schema {
				j++
			}
			fmt.Fprintf(w, "  %s: %d members\n", schema, j-i)
			for _, ch := range c.members[i:j] {
				fmt.Fprintf(w, "    %q, %s -> %s\n", ch.member, seen(ch), ch.draftLine())
			}
			i = j
		}
	}
	if n > 0 {
		fmt.Fprintf(w, "calls to no operation (%d):\n", n)
		for _, k := range slices.Sorted(maps.Keys(c.noOperation)) {
			fmt.Fprintf(w, "  %s, %s -> not drafted: no operation of the spec matches it; add the operation (path template, parameters, responses) by hand, or fix the base path\n",
				k, times(c.noOperation[k]))
		}
	}
	if s > 0 {
		fmt.Fprintf(w, "undeclared statuses (%d):\n", s)
		for _, ch := range c.statuses {
			mt := ""
			if ch.mediaType != "" {
				mt = ", " + ch.mediaType
			}
			fmt.Fprintf(w, "  %s %s (%s) %d%s, %s -> %s\n", ch.first.Method, ch.first.Path, ch.first.Operation, ch.status, mt, seen(ch), ch.draftLine())
		}
	}
	if e > 0 {
		fmt.Fprintf(w, "enum misses (%d):\n", e)
		for _, ch := range c.enums {
			var vs []string
			for _, v := range ch.values {
				vs = append(vs, compact(v))
			}
			fmt.Fprintf(w, "  %s: %s, %s -> %s\n", ch.schema, strings.Join(vs, ", "), seen(ch), ch.draftLine())
		}
	}
	fmt.Fprintln(w, c.summary())
}

// seen says how often and in how many operations a change was seen.
func seen(c *change) string {
	s := times(c.count)
	if len(c.ops) > 1 {
		s += fmt.Sprintf(" in %d operations", len(c.ops))
	} else {
		s += " in " + c.first.Operation
	}
	return s
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

// draftLine names c's draft actions, or says why it has none.
func (c *change) draftLine() string {
	if c.notDrafted != "" {
		return "not drafted: " + c.notDrafted
	}
	var parts []string
	for _, a := range c.acts {
		if a.remove {
			parts = append(parts, "remove "+a.target)
		} else {
			parts = append(parts, "update "+a.target)
		}
	}
	return "draft: " + strings.Join(parts, "; ")
}
