// Command task is the floor for the README's Auth0 task: the same calls
// (token for the Management API audience, GET /api/v2/clients, GET
// /api/v2/users?per_page=100&include_totals=true) by hand with net/http,
// encoding/json and x/oauth2's client credentials.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"

	"golang.org/x/oauth2/clientcredentials"
)

func get(c *http.Client, u string, v any) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func main() {
	domain := os.Getenv("AUTH0_DOMAIN")
	cfg := clientcredentials.Config{
		ClientID:       os.Getenv("AUTH0_CLIENT_ID"),
		ClientSecret:   os.Getenv("AUTH0_CLIENT_SECRET"),
		TokenURL:       "https://" + domain + "/oauth/token",
		EndpointParams: url.Values{"audience": {"https://" + domain + "/api/v2/"}},
	}
	c := cfg.Client(context.Background())
	var clients []struct {
		ClientID string `json:"client_id"`
		Name     string `json:"name"`
	}
	var users struct {
		Total int `json:"total"`
		Users []struct {
			Email       string         `json:"email"`
			AppMetadata map[string]any `json:"app_metadata"`
		} `json:"users"`
	}
	api := "https://" + domain + "/api/v2"
	err1 := get(c, api+"/clients", &clients)
	err2 := get(c, api+"/users?per_page=100&include_totals=true", &users)
	if err := errors.Join(err1, err2); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d clients, %d users\n", len(clients), users.Total)
	if len(users.Users) > 0 {
		u := users.Users[0]
		fmt.Println(u.Email, u.AppMetadata["plan"])
	}
}
