package contracttest

import (
	"strings"
	"testing"
)

func TestCompareBearer(t *testing.T) {
	const tok = "eyJ.secret-token.value"
	tests := []struct {
		name, header, want string
		wantProblem        string
	}{
		{"match", "Bearer " + tok, tok, ""},
		{"scheme case-insensitive", "bearer " + tok, tok, ""},
		{"missing", "", tok, "no Authorization header"},
		{"basic", "Basic " + tok, tok, "not a bearer token"},
		{"other token", "Bearer other-token", tok, "token mismatch: sent sha256:"},
		{"empty source token", "Bearer x", "", "empty token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compareBearer(tt.header, tt.want)
			if tt.wantProblem == "" && got != "" || !strings.Contains(got, tt.wantProblem) {
				t.Fatalf("compareBearer = %q, want containing %q", got, tt.wantProblem)
			}
			if strings.Contains(got, tok) || strings.Contains(got, "other-token") {
				t.Fatal("the message shows a token")
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	fp := Fingerprint("s3cr3t-value")
	if strings.Contains(fp, "s3cr3t") || !strings.HasPrefix(fp, "sha256:") || !strings.Contains(fp, "len 12") {
		t.Fatalf("Fingerprint = %q", fp)
	}
	if Fingerprint("a") == Fingerprint("b") {
		t.Fatal("different secrets, same fingerprint")
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ id, goName string }{
		{"get_users", "GetUsers"},
		{"get_bot-detection", "GetBotDetection"},
		{"getUser by id", "GetUserById"},
		{"PutUmbracoManagementApiV1.1DocumentByIdValidate1.1", "PutUmbracoManagementApiV11DocumentByIdValidate11"},
	}
	for _, tt := range tests {
		if a, b := normalizeName(tt.id), normalizeName(tt.goName); a != b {
			t.Errorf("normalizeName(%q) = %q, normalizeName(%q) = %q", tt.id, a, tt.goName, b)
		}
	}
}
