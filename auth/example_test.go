package auth_test

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/mgmtapi/mgmtapi/auth"
)

// Wire a preset into a generated client: the RequestEditor fits every gen
// package's WithRequestEditorFn, for example
//
//	c, err := umbraco17.NewClientWithResponses(base, umbraco17.WithRequestEditorFn(src.RequestEditor()))
func ExampleSource_RequestEditor() {
	src, err := auth.New(auth.Umbraco("https://cms.example.com", "umbraco-back-office-my-api-user", os.Getenv("UMBRACO_CLIENT_SECRET")))
	if err != nil {
		log.Fatal(err) // clear message, never the secret
	}
	defer src.Close()
	req, _ := http.NewRequest(http.MethodGet, "https://cms.example.com/umbraco/management/api/v1/user/current", nil)
	if err := src.RequestEditor()(context.Background(), req); err != nil {
		log.Print(err)
	}
}

// Transport adds the token and, on a 401, replays the request once with a
// new token; use it as the generated client's HTTP client.
func ExampleSource_Transport() {
	src, err := auth.New(auth.Auth0("tenant.eu.auth0.com", "m2m-client-id", os.Getenv("AUTH0_CLIENT_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	hc := &http.Client{Transport: src.Transport(http.DefaultTransport)}
	_ = hc // auth0.NewClientWithResponses("https://tenant.eu.auth0.com/api/v2", auth0.WithHTTPClient(hc))
}
