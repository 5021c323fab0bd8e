// Package datetime is the type the generated clients use for OpenAPI
// "format: date-time" values.
//
// It exists because servers do not all write RFC 3339: Umbraco serialises
// some C# DateTime values without a UTC offset (a webhook log's "date" is
// "2024-05-01T10:20:30.123"), which time.Time refuses, failing the decode of
// the whole response. A Time decodes such a value as UTC; values with an
// offset ("Z", "+02:00") keep it, exactly as time.Time does.
package datetime

import (
	"errors"
	"time"
)

// Time is a time.Time that also accepts RFC 3339 date-times without an
// offset, as UTC.
//
// A Time decoded from text encodes in the same form: as many fractional
// digits (Auth0 writes "…:00.000Z", which time.Time would shorten to
// "…:00Z"), "Z" or a numeric offset, or no offset, so that a decoded
// response re-encodes to what the server sent. If the value was changed so
// that those digits no longer hold it, or to a zone other than UTC where
// there was no offset, it encodes as time.Time does. A Time made with New
// encodes as time.Time does (RFC 3339 with fractional seconds).
type Time struct {
	time.Time
	form form // how the text it was decoded from was written; 0 for New
}

// form records the writing of a decoded date-time: fractional digits + 1 in
// the low four bits (0: not decoded), the offset style in the next two.
type form uint8

const (
	offsetZ    form = 0 << 4 // "Z" for UTC, else ±hh:mm
	offsetNum  form = 1 << 4 // ±hh:mm, also "+00:00"
	offsetNone form = 2 << 4 // no offset (UTC)
)

// New returns t as a Time that encodes as time.Time does.
func New(t time.Time) Time { return Time{Time: t} }

// Parse parses an RFC 3339 date-time; without an offset it is taken as UTC.
func Parse(s string) (Time, error) {
	if len(s) < len("2006-01-02T15:04:05") {
		return Time{}, errors.New("datetime: " + quote(s) + " is not an RFC 3339 date-time")
	}
	layout, off := time.RFC3339Nano, offsetZ
	switch {
	case !hasOffset(s):
		layout, off = "2006-01-02T15:04:05.999999999", offsetNone
	case s[len(s)-1] != 'Z' && s[len(s)-1] != 'z':
		off = offsetNum
	}
	t, err := time.ParseInLocation(layout, s, time.UTC)
	if err != nil {
		return Time{}, errors.New("datetime: " + quote(s) + " is not an RFC 3339 date-time")
	}
	return Time{Time: t, form: off | form(fractionDigits(s)+1)}, nil
}

// fractionDigits counts the digits after the seconds' decimal point.
func fractionDigits(s string) int {
	const secondsEnd = len("2006-01-02T15:04:05")
	if len(s) <= secondsEnd || s[secondsEnd] != '.' {
		return 0
	}
	n := 0
	for _, c := range []byte(s[secondsEnd+1:]) {
		if c < '0' || c > '9' {
			break
		}
		n++
	}
	return min(n, 9)
}

// fractions are the layouts of 0 to 9 fractional digits.
var fractions = [...]string{"", ".0", ".00", ".000", ".0000", ".00000", ".000000", ".0000000", ".00000000", ".000000000"}

// appendForm appends t in its recorded form, or reports false if that
// form cannot hold t.
func (t Time) appendForm(b []byte) ([]byte, bool) {
	if t.form == 0 || t.Year() < 0 || t.Year() > 9999 {
		return b, false
	}
	digits := int(t.form&0x0f) - 1
	if digits < 0 || digits > 9 {
		return b, false
	}
	scale := 1
	for range 9 - digits {
		scale *= 10
	}
	if t.Nanosecond()%scale != 0 {
		return b, false
	}
	var zone string
	switch t.form &^ 0x0f {
	case offsetZ:
		zone = "Z07:00"
	case offsetNum:
		zone = "-07:00"
	case offsetNone:
		if t.Location() != time.UTC {
			return b, false
		}
	default:
		return b, false
	}
	return t.AppendFormat(b, "2006-01-02T15:04:05"+fractions[digits]+zone), true
}

// hasOffset reports whether s, a date-time of at least 19 bytes, ends in a
// UTC offset: "Z" or "z", or "+hh:mm"/"-hh:mm" after the seconds.
func hasOffset(s string) bool {
	switch s[len(s)-1] {
	case 'Z', 'z':
		return true
	}
	// The date's own '-' are before index 10; an offset sign is after the
	// time of day.
	tail := s[len("2006-01-02T15:04:05"):]
	for i := 0; i < len(tail); i++ {
		if tail[i] == '+' || tail[i] == '-' {
			return true
		}
	}
	return false
}

// quote is strconv.Quote limited to a short prefix, so an error never
// carries an unbounded input.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		s = s[:max] + "..."
	}
	b := []byte{'"'}
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r == 0x7f {
			b = append(b, '?')
			continue
		}
		b = append(b, string(r)...)
	}
	return string(append(b, '"'))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Time) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// UnmarshalJSON implements json.Unmarshaler; null leaves t unchanged, as
// for time.Time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return errors.New("datetime: a date-time must be a JSON string")
	}
	return t.UnmarshalText(b[1 : len(b)-1])
}

// AppendText implements encoding.TextAppender: the form it was decoded
// from, else RFC 3339 with fractional seconds as time.Time.
func (t Time) AppendText(b []byte) ([]byte, error) {
	if out, ok := t.appendForm(b); ok {
		return out, nil
	}
	return t.Time.AppendText(b)
}

// MarshalText implements encoding.TextMarshaler.
func (t Time) MarshalText() ([]byte, error) { return t.AppendText(nil) }

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	b, err := t.AppendText([]byte{'"'})
	if err != nil {
		return nil, err
	}
	return append(b, '"'), nil
}

// String returns the text MarshalText encodes, or time.Time's String if
// it cannot be encoded.
func (t Time) String() string {
	b, err := t.MarshalText()
	if err != nil {
		return t.Time.String()
	}
	return string(b)
}
