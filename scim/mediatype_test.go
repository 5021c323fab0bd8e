package scim_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/scim"
)

func TestSetMediaType(t *testing.T) {
	tests := []struct {
		name, contentType, wantContentType string
	}{
		{"json body becomes scim+json", "application/json", "application/scim+json"},
		{"no body stays without content type", "", ""},
		{"other media types are left alone", "application/merge-patch+json", "application/merge-patch+json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/Users", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if err := scim.SetMediaType(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Content-Type"); got != tt.wantContentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantContentType)
			}
			if got := req.Header.Get("Accept"); got != scim.MediaType {
				t.Errorf("Accept = %q, want %q", got, scim.MediaType)
			}
		})
	}
}
