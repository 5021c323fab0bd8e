package apierror_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/mgmtapi/mgmtapi/apierror"
)

// An Auth0-style 404 becomes an *apierror.Error; the access token in the
// query is redacted from the text.
func ExampleCheck() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}`)
	}))
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/api/v2/users/auth0%7C42?access_token=secret")
	if err != nil {
		fmt.Println(err)
		return
	}
	err = apierror.Check(resp, nil) // reads and closes the error body
	fmt.Println(err.Error()[len("GET ")+len(srv.URL):])

	var apiErr *apierror.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Auth0.Message)
	}
	// Output:
	// /api/v2/users/auth0%7C42?access_token=REDACTED: 404 Not Found: inexistent_user: The user does not exist.
	// 404 inexistent_user The user does not exist.
}

// getUserResponse stands in for a generated ...WithResponse result type.
type getUserResponse struct {
	Body         []byte
	HTTPResponse *http.Response
}

func (r getUserResponse) StatusCode() int { return r.HTTPResponse.StatusCode }

// Checked wraps a generated call directly; here a SCIM 409 from Asgardeo.
func ExampleChecked() {
	createUser := func() (*getUserResponse, error) { // c.CreateUserWithResponse(ctx, body)
		return &getUserResponse{
			HTTPResponse: &http.Response{StatusCode: http.StatusConflict, Header: http.Header{}},
			Body:         []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"uniqueness","detail":"User name already exists.","status":"409"}`),
		}, nil
	}
	_, err := apierror.Checked(createUser())
	fmt.Println(err)
	fmt.Println(apierror.StatusCode(err) == http.StatusConflict)
	// Output:
	// 409 Conflict: uniqueness: User name already exists.
	// true
}
