package datetime

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2024-05-01T10:20:30.123", time.Date(2024, 5, 1, 10, 20, 30, 123e6, time.UTC)},
		{"2024-05-01T10:20:30", time.Date(2024, 5, 1, 10, 20, 30, 0, time.UTC)},
		{"2024-05-01T10:20:30.1234567", time.Date(2024, 5, 1, 10, 20, 30, 123456700, time.UTC)},
		{"2024-05-01T10:20:30.000Z", time.Date(2024, 5, 1, 10, 20, 30, 0, time.UTC)},
		{"2024-05-01T10:20:30+02:00", time.Date(2024, 5, 1, 10, 20, 30, 0, time.FixedZone("", 2*3600))},
		{"2024-05-01T10:20:30.5-07:30", time.Date(2024, 5, 1, 10, 20, 30, 5e8, time.FixedZone("", -(7*3600+1800)))},
	} {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if !got.Equal(tc.want) {
			t.Errorf("Parse(%q) = %v, want %v", tc.in, got, tc.want)
		}
		_, gotOff := got.Zone()
		_, wantOff := tc.want.Zone()
		if gotOff != wantOff {
			t.Errorf("Parse(%q) offset %d, want %d", tc.in, gotOff, wantOff)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "2024-05-01", "2024-05-01 10:20:30", "yesterday at noon", "2024-13-01T10:20:30", "2024-05-01T10:20:30+25:00", strings.Repeat("9", 1<<16)} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%.40q) accepted", in)
		} else if len(err.Error()) > 120 {
			t.Errorf("Parse(%.40q): error of %d bytes", in, len(err.Error()))
		}
	}
}

// TestJSON decodes an offset-less member of a struct as UTC, keeps null as
// the zero value and encodes to a form that decodes to the same value.
func TestJSON(t *testing.T) {
	var v struct {
		Date *Time `json:"date"`
		Null Time  `json:"null"`
	}
	in := `{"date":"2024-05-01T10:20:30.123","null":null}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 5, 1, 10, 20, 30, 123e6, time.UTC); v.Date == nil || !v.Date.Equal(want) || v.Date.Location() != time.UTC {
		t.Fatalf("date = %v, want %v UTC", v.Date, want)
	}
	if !v.Null.IsZero() {
		t.Errorf("null decoded as %v", v.Null)
	}
	out, err := json.Marshal(v.Date)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `"2024-05-01T10:20:30.123"` {
		t.Errorf("encoded %s", out)
	}
	if err := json.Unmarshal([]byte(`{"date":12}`), &v); err == nil {
		t.Error("a number decoded as a date-time")
	}
}

// TestKeepsForm re-encodes decoded values as they were written, and values
// changed beyond their written precision as time.Time does.
func TestKeepsForm(t *testing.T) {
	for _, in := range []string{"2024-05-01T10:20:30.000Z", "2024-05-01T10:20:30Z", "2024-05-01T10:20:30.1234567", "2024-05-01T10:20:30+00:00", "2024-05-01T10:20:30.10-07:30", "2024-05-01T10:20:30"} {
		v, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if b, err := v.MarshalText(); err != nil || string(b) != in {
			t.Errorf("%s re-encoded as %s (%v)", in, b, err)
		}
	}
	v, _ := Parse("2024-05-01T10:20:30.000Z")
	v.Time = v.Add(time.Nanosecond)
	if b, _ := v.MarshalText(); string(b) != "2024-05-01T10:20:30.000000001Z" {
		t.Errorf("changed value encoded as %s", b)
	}
	v, _ = Parse("2024-05-01T10:20:30")
	v.Time = v.In(time.FixedZone("", 3600))
	if b, _ := v.MarshalText(); string(b) != "2024-05-01T11:20:30+01:00" {
		t.Errorf("value moved to +01:00 encoded as %s", b)
	}
	if b, _ := New(time.Date(2024, 5, 1, 10, 20, 30, 0, time.UTC)).MarshalText(); string(b) != "2024-05-01T10:20:30Z" {
		t.Errorf("New encoded as %s", b)
	}
}

// FuzzParse checks that Parse never panics, and that whatever it accepts
// encodes to text that parses back to the same instant and offset.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2024-05-01T10:20:30.123", "2024-05-01T10:20:30Z", "2024-05-01T10:20:30.1234567+05:30", "0000-01-01T00:00:00", "9999-12-31T23:59:59.999999999-23:59", "2024-05-01T10:20:30-", "2024-05-01T10:20:30.+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		b, err := v.MarshalText()
		if err != nil {
			return // years outside 0..9999 do not encode, as for time.Time
		}
		w, err := Parse(string(b))
		if err != nil {
			t.Fatalf("Parse(%q) = %v, which encodes as %q and does not parse: %v", s, v.Time, b, err)
		}
		_, o1 := v.Zone()
		_, o2 := w.Zone()
		if !w.Equal(v.Time) || o1 != o2 {
			t.Fatalf("Parse(%q) = %v; round trip %v", s, v.Time, w.Time)
		}
	})
}
