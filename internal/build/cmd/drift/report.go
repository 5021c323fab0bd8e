package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/mgmtapi/mgmtapi/contract"
)

// printReport writes the per-operation drift report.
func printReport(w io.Writer, api, specPath, harPath string, r *result) {
	total := 0
	for _, n := range r.Exchanges {
		total += n
	}
	fmt.Fprintf(w, "drift report: %s, %d exchanges of %s against %s\n", api, total, harPath, specPath)
	byOp := map[string][]contract.Finding{}
	for _, f := range r.Findings {
		byOp[f.Operation] = append(byOp[f.Operation], f)
	}
	for _, op := range r.operations() {
		fs := byOp[op]
		where := ""
		if len(fs) > 0 {
			where = fmt.Sprintf(" (%s %s)", fs[0].Method, fs[0].Path)
		}
		n := r.Exchanges[op]
		if len(fs) == 0 {
			fmt.Fprintf(w, "\n%s: %d exchanges, no drift\n", op, n)
			continue
		}
		fmt.Fprintf(w, "\n%s%s: %d exchanges, %d findings\n", op, where, n, len(fs))
		for _, f := range fs {
			fmt.Fprintf(w, "  %s\n", findingLine(f))
		}
	}
	if len(r.Violations) > 0 {
		fmt.Fprintf(w, "\nvalidator (kin-openapi) messages, for review (not all are drift; patterns, formats and bounds are not in the overlay):\n")
		for _, v := range slices.Sorted(maps.Keys(r.Violations)) {
			fmt.Fprintf(w, "  %dx %s\n", r.Violations[v], v)
		}
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "skipped %s\n", s)
	}
	if r.Dropped > 0 {
		fmt.Fprintf(w, "%d observations were not kept: the traffic reached a bound of contract.Drift (see its documentation)\n", r.Dropped)
	}
}

// findingLine describes f on one line, without the values of the traffic
// except an enum value.
func findingLine(f contract.Finding) string {
	var b strings.Builder
	b.WriteString(string(f.Where))
	if f.Status != 0 {
		fmt.Fprintf(&b, " %d", f.Status)
	}
	fmt.Fprintf(&b, " %s: ", f.Kind)
	switch f.Kind {
	case contract.UndeclaredStatus:
		fmt.Fprintf(&b, "status %d is not declared", f.Status)
		if f.Fits != "" {
			fmt.Fprintf(&b, " (%s body fits %s)", f.MediaType, f.Fits)
		} else if f.Observed != nil {
			fmt.Fprintf(&b, " (%s body: %s)", f.MediaType, compact(f.Observed))
		}
	case contract.UndeclaredBody:
		fmt.Fprintf(&b, "%s body where the response declares none", f.MediaType)
		if f.Fits != "" {
			fmt.Fprintf(&b, " (fits %s)", f.Fits)
		} else {
			fmt.Fprintf(&b, ": %s", compact(f.Observed))
		}
	case contract.UnknownMember:
		fmt.Fprintf(&b, "member %q at %s is not in %s (seen: %s)", f.Member, f.Instance, f.Schema, compact(f.Observed))
	case contract.EnumValue:
		fmt.Fprintf(&b, "%s at %s is not in the enum of %s", compact(f.Value), f.Instance, f.Schema)
	case contract.TypeMismatch:
		fmt.Fprintf(&b, "%s at %s where %s declares %s", typeOf(f.Observed), f.Instance, f.Schema, strings.Join(f.Declared, " or "))
	case contract.MissingMember:
		fmt.Fprintf(&b, "required member %q is missing at %s (required by %s)", f.Member, pointerOrRoot(f.Instance), f.Schema)
	}
	if f.Count > 1 {
		fmt.Fprintf(&b, " [%d times]", f.Count)
	}
	return b.String()
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "the top level"
	}
	return p
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	const max = 200
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// typeOf names the type(s) of an inferred schema.
func typeOf(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		if s["nullable"] == true {
			return t + " or null"
		}
		return t
	case []string:
		return strings.Join(t, " or ")
	}
	if s["nullable"] == true {
		return "null"
	}
	return "a value"
}
