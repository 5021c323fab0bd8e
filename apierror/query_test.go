package apierror

import (
	"fmt"
	"strings"
	"testing"
)

// TestQueryValuesNotInText: the package doc promises that the error text
// holds no query values. A server that echoes one (decoded, as sent, or
// re-encoded) in its message or code gets it replaced; numbers inside other
// words (401, 2010) are left alone.
func TestQueryValuesNotInText(t *testing.T) {
	const rawURL = `https://t.example/api/v2/users?q=email:"kim@corp.example"&access_token=s3cr3t%2Fx&take=10&flag`
	tests := []struct {
		name, body, want string
	}{
		{"Auth0 echoes the decoded filter", `{"statusCode":400,"error":"Bad Request","message":"Invalid query: email:\"kim@corp.example\"","errorCode":"invalid_query_string"}`,
			`400 Bad Request: invalid_query_string: Invalid query: REDACTED`},
		{"token echoed decoded", `{"statusCode":401,"error":"Unauthorized","message":"token s3cr3t/x is invalid"}`,
			`401 Unauthorized: token REDACTED is invalid`},
		{"token echoed as sent", `{"statusCode":401,"error":"Unauthorized","message":"token s3cr3t%2Fx is invalid"}`,
			`401 Unauthorized: token REDACTED is invalid`},
		{"value in the code", `{"code":"s3cr3t/x","message":"bad"}`,
			`400 Bad Request: REDACTED: bad`},
		{"short numeric value as a word, not inside others", `{"statusCode":400,"error":"Bad Request","message":"take 10 exceeds 100; see 2010 doc, code 401-10"}`,
			`400 Bad Request: take REDACTED exceeds 100; see 2010 doc, code 401-REDACTED`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := response(t, "GET", rawURL, statusOf(tt.body), "application/json")
			err := Check(resp, []byte(tt.body))
			want := "GET https://t.example/api/v2/users?access_token=REDACTED&flag=REDACTED&q=REDACTED&take=REDACTED: " + tt.want
			if err == nil || err.Error() != want {
				t.Fatalf("text\n %v\nwant\n %s", err, want)
			}
			for _, v := range []string{"kim@corp.example", "s3cr3t"} {
				for _, s := range []string{err.Error(), fmt.Sprintf("%v %+v", err, err)} {
					if strings.Contains(s, v) {
						t.Errorf("text holds the query value %q", v)
					}
				}
			}
		})
	}
}

func statusOf(body string) int {
	if strings.Contains(body, `"statusCode":401`) {
		return 401
	}
	return 400
}
