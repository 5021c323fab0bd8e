package scim

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValueDecode(t *testing.T) {
	tests := []struct {
		name, in string
		want     Value
		wantErr  string
	}{
		{"bare string (Asgardeo examples)", `"kim@example.com"`, Value{Value: "kim@example.com"}, ""},
		{"RFC 7643 object", `{"value":"kim@example.com","type":"work","primary":true,"display":"Kim","$ref":"https://x/Users/1"}`,
			Value{Value: "kim@example.com", Type: "work", Primary: true, Display: "Kim", Ref: "https://x/Users/1"}, ""},
		{"object with unknown sub-attributes", `{"value":"a","extra":1}`, Value{Value: "a"}, ""},
		{"number is rejected", `42`, Value{}, "must be an object or a string"},
		{"array is rejected", `["a"]`, Value{}, "must be an object or a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Value
			err := json.Unmarshal([]byte(tt.in), &v)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v != tt.want {
				t.Errorf("got %+v, want %+v", v, tt.want)
			}
		})
	}
}

func TestValueEncodesObjectForm(t *testing.T) {
	var vs []Value
	if err := json.Unmarshal([]byte(`["kim@example.com",{"value":"k@work.example","type":"work"}]`), &vs); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(vs)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"value":"kim@example.com"},{"value":"k@work.example","type":"work"}]`
	if string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}
