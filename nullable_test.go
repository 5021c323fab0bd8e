package mgmtapi

import (
	"encoding/json"
	"testing"
)

// The three states reach the wire as absent, null and a value, and read
// back the same.
func TestNullable(t *testing.T) {
	type body struct {
		Name *Nullable[string] `json:"name,omitempty"`
		Age  *Nullable[int]    `json:"age,omitempty"`
	}
	tests := []struct {
		name string
		in   body
		want string
	}{
		{"absent", body{}, `{}`},
		{"null", body{Name: Null[string]()}, `{"name":null}`},
		{"value", body{Name: Set("Jane"), Age: Set(0)}, `{"name":"Jane","age":0}`},
		{"empty string is a value", body{Name: Set("")}, `{"name":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			if err != nil || string(b) != tt.want {
				t.Fatalf("marshal: %s, %v; want %s", b, err, tt.want)
			}
			var back body
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if tt.in.Name != nil && tt.in.Name.IsNull() {
				// encoding/json sets a pointer to nil on null without asking
				// the type: the request types only need to send it.
				if back.Name != nil {
					t.Errorf("null read back as %+v", *back.Name)
				}
				return
			}
			if (back.Name == nil) != (tt.in.Name == nil) {
				t.Fatalf("round trip lost presence: %+v", back)
			}
			if back.Name != nil && (back.Name.IsNull() != tt.in.Name.IsNull() || *back.Name != *tt.in.Name) {
				t.Errorf("round trip: %+v, want %+v", *back.Name, *tt.in.Name)
			}
		})
	}
}
