package scim

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Filter is a SCIM filter expression (RFC 7644 §3.4.2.2), built from
// typed parts so that attribute paths are checked and values are quoted and
// escaped: Eq("userName", "kim@example.com"), And(...), Or(...), Not(...),
// ValueFilter("emails", Eq("type", "work")). The zero Filter is invalid.
//
// String values are JSON strings in the grammar: Filter escapes quotes,
// backslashes and control characters. A "+" stays a literal "+" in the
// filter: RFC 7644 has no escape for it other than \u002B, which servers do
// not all decode (github.com/elimity-com/scim compares escapes as written,
// and so fails to match \" too). In a URL it must be sent
// as %2B, never as "+", which a server decodes as a space: the generated
// clients' query encoding does that, and so does net/url's QueryEscape for
// URLs built by hand.
type Filter struct {
	n   *node
	err error
}

// node is a Filter's syntax tree.
type node struct {
	kind  string // "attr", "and", "or", "not", "valuePath"
	attr  string
	op    string // eq, ne, co, sw, ew, gt, ge, lt, le, pr
	value string // the encoded comparison value, e.g. `"kim"` or `true`
	kids  []*node
}

// A FilterValue is the Go type of a comparison value: a string, a boolean
// or a number (RFC 7644 §3.4.2.2 compValue).
type FilterValue interface {
	~string | ~bool | ~int | ~int32 | ~int64 | ~float64
}

// attrPathRE is RFC 7644's attrPath: [URI ":"] ATTRNAME *1subAttr.
var attrPathRE = regexp.MustCompile(`^(?:[A-Za-z0-9.-]+:)*\$?[A-Za-z][A-Za-z0-9_-]*(?:\.\$?[A-Za-z][A-Za-z0-9_-]*)?$`)

// checkAttrPath reports whether p is a valid attrPath.
func checkAttrPath(p string) error {
	if !attrPathRE.MatchString(p) {
		return fmt.Errorf("scim: invalid attribute path %q", p)
	}
	return nil
}

func compare[V FilterValue](attr, op string, v V) Filter {
	if err := checkAttrPath(attr); err != nil {
		return Filter{err: err}
	}
	enc, err := encodeValue(any(v))
	if err != nil {
		return Filter{err: fmt.Errorf("scim: %s %s: %w", attr, op, err)}
	}
	return Filter{n: &node{kind: "attr", attr: attr, op: op, value: enc}}
}

// Eq is "attr eq value": equal.
func Eq[V FilterValue](attr string, v V) Filter { return compare(attr, "eq", v) }

// Ne is "attr ne value": not equal.
func Ne[V FilterValue](attr string, v V) Filter { return compare(attr, "ne", v) }

// Co is "attr co value": contains.
func Co(attr, v string) Filter { return compare(attr, "co", v) }

// Sw is "attr sw value": starts with.
func Sw(attr, v string) Filter { return compare(attr, "sw", v) }

// Ew is "attr ew value": ends with.
func Ew(attr, v string) Filter { return compare(attr, "ew", v) }

// Gt is "attr gt value": greater than.
func Gt[V FilterValue](attr string, v V) Filter { return compare(attr, "gt", v) }

// Ge is "attr ge value": greater than or equal.
func Ge[V FilterValue](attr string, v V) Filter { return compare(attr, "ge", v) }

// Lt is "attr lt value": less than.
func Lt[V FilterValue](attr string, v V) Filter { return compare(attr, "lt", v) }

// Le is "attr le value": less than or equal.
func Le[V FilterValue](attr string, v V) Filter { return compare(attr, "le", v) }

// Pr is "attr pr": the attribute has a value.
func Pr(attr string) Filter {
	if err := checkAttrPath(attr); err != nil {
		return Filter{err: err}
	}
	return Filter{n: &node{kind: "attr", attr: attr, op: "pr"}}
}

func logical(kind string, fs []Filter) Filter {
	if len(fs) == 0 {
		return Filter{err: fmt.Errorf("scim: %s of no filters", kind)}
	}
	n := &node{kind: kind}
	for _, f := range fs {
		if err := f.check(); err != nil {
			return Filter{err: err}
		}
		n.kids = append(n.kids, f.n)
	}
	if len(n.kids) == 1 {
		return Filter{n: n.kids[0]}
	}
	return Filter{n: n}
}

// And is true when every filter is ("a and b and c").
func And(fs ...Filter) Filter { return logical("and", fs) }

// Or is true when any filter is ("a or b or c").
func Or(fs ...Filter) Filter { return logical("or", fs) }

// Not negates f ("not (f)").
func Not(f Filter) Filter {
	if err := f.check(); err != nil {
		return Filter{err: err}
	}
	return Filter{n: &node{kind: "not", kids: []*node{f.n}}}
}

// ValueFilter selects the values of the multi-valued attribute attr that
// match f, whose attribute paths are relative to attr's sub-attributes:
// ValueFilter("emails", Eq("type", "work")) is emails[type eq "work"].
// attr has no sub-attribute, and value filters do not nest (RFC 7644
// §3.4.2.2 valuePath).
//
// RFC 7644 allows any filter inside the brackets, servers less:
// github.com/scim2/filter-parser (used by github.com/elimity-com/scim)
// takes one comparison, two joined by "and" or "or", or "not (...)" of
// those; Asgardeo takes one comparison in PATCH paths (Filter.Simple).
func ValueFilter(attr string, f Filter) Filter {
	if err := checkAttrPath(attr); err != nil {
		return Filter{err: err}
	}
	if strings.Contains(attr[strings.LastIndex(attr, ":")+1:], ".") {
		return Filter{err: fmt.Errorf("scim: value filter on sub-attribute %q", attr)}
	}
	if err := f.check(); err != nil {
		return Filter{err: err}
	}
	if f.n.has("valuePath") {
		return Filter{err: fmt.Errorf("scim: value filters do not nest (%s)", attr)}
	}
	return Filter{n: &node{kind: "valuePath", attr: attr, kids: []*node{f.n}}}
}

func (n *node) has(kind string) bool {
	if n.kind == kind {
		return true
	}
	for _, k := range n.kids {
		if k.has(kind) {
			return true
		}
	}
	return false
}

func (f Filter) check() error {
	if f.err != nil {
		return f.err
	}
	if f.n == nil {
		return errors.New("scim: empty filter")
	}
	return nil
}

// Build returns the filter text, or the first error of its parts.
func (f Filter) Build() (string, error) {
	if err := f.check(); err != nil {
		return "", err
	}
	var b strings.Builder
	f.n.write(&b)
	return b.String(), nil
}

// String returns the filter text, or "!(error)" for an invalid filter.
func (f Filter) String() string {
	s, err := f.Build()
	if err != nil {
		return "!(" + err.Error() + ")"
	}
	return s
}

// Simple reports whether f is one attribute comparison, the only kind of
// value filter Asgardeo accepts in a PATCH path.
func (f Filter) Simple() bool { return f.err == nil && f.n != nil && f.n.kind == "attr" }

func (n *node) write(b *strings.Builder) {
	switch n.kind {
	case "attr":
		b.WriteString(n.attr)
		b.WriteByte(' ')
		b.WriteString(n.op)
		if n.op != "pr" {
			b.WriteByte(' ')
			b.WriteString(n.value)
		}
	case "and", "or":
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(" " + n.kind + " ")
			}
			// Parenthesize nested logical expressions: "and" binds tighter
			// than "or", and explicit grouping keeps the tree as built.
			if k.kind == "and" || k.kind == "or" {
				b.WriteByte('(')
				k.write(b)
				b.WriteByte(')')
				continue
			}
			k.write(b)
		}
	case "not":
		b.WriteString("not (")
		n.kids[0].write(b)
		b.WriteByte(')')
	case "valuePath":
		b.WriteString(n.attr)
		b.WriteByte('[')
		n.kids[0].write(b)
		b.WriteByte(']')
	}
}

// encodeValue writes a comparison value: a quoted, escaped string, true,
// false or a number. Named types (~string ...) go by their kind.
func encodeValue(v any) (string, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return Quote(rv.String())
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool()), nil
	case reflect.Int, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", fmt.Errorf("number %v is not a JSON number", f)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("unsupported value type %T", v)
}

// Quote returns s as a filter string value: between double quotes, with
// quotes, backslashes and control characters escaped as in JSON
// (RFC 7644 §3.4.2.2, RFC 8259 §7), \u escapes in upper-case hex as the
// grammar asks. It fails on invalid UTF-8.
func Quote(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errors.New("value is not valid UTF-8")
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04X`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String(), nil
}
