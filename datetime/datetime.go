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
// offset, as UTC. It encodes as time.Time does (RFC 3339 with fractional
// seconds and an offset), so encoding and decoding again gives the same
// instant and offset.
type Time struct {
	time.Time
}

// New returns t as a Time.
func New(t time.Time) Time { return Time{t} }

// Parse parses an RFC 3339 date-time; without an offset it is taken as UTC.
func Parse(s string) (Time, error) {
	if len(s) < len("2006-01-02T15:04:05") {
		return Time{}, errors.New("datetime: " + quote(s) + " is not an RFC 3339 date-time")
	}
	layout := time.RFC3339Nano
	if !hasOffset(s) {
		layout = "2006-01-02T15:04:05.999999999"
	}
	t, err := time.ParseInLocation(layout, s, time.UTC)
	if err != nil {
		return Time{}, errors.New("datetime: " + quote(s) + " is not an RFC 3339 date-time")
	}
	return Time{t}, nil
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

// AppendText implements encoding.TextAppender: RFC 3339 with fractional
// seconds, as time.Time.
func (t Time) AppendText(b []byte) ([]byte, error) { return t.Time.AppendText(b) }

// MarshalText implements encoding.TextMarshaler.
func (t Time) MarshalText() ([]byte, error) { return t.Time.MarshalText() }

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) { return t.Time.MarshalJSON() }

// String returns the RFC 3339 form with fractional seconds.
func (t Time) String() string { return t.Format(time.RFC3339Nano) }
