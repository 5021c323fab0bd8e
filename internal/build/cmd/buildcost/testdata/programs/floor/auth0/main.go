// Command auth0 is the floor for the Auth0 quick start: the same calls
// (token for the Management API audience, then every application from GET
// /api/v2/clients, checkpoint-paged with from/take) by hand with net/http,
// encoding/json and x/oauth2's client credentials.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"

	"golang.org/x/oauth2/clientcredentials"
)

func main() {
	domain := os.Getenv("AUTH0_DOMAIN")
	cfg := clientcredentials.Config{
		ClientID:       os.Getenv("AUTH0_CLIENT_ID"),
		ClientSecret:   os.Getenv("AUTH0_CLIENT_SECRET"),
		TokenURL:       "https://" + domain + "/oauth/token",
		EndpointParams: url.Values{"audience": {"https://" + domain + "/api/v2/"}},
	}
	c := cfg.Client(context.Background())
	from := ""
	for {
		q := url.Values{"take": {"50"}}
		if from != "" {
			q.Set("from", from)
		}
		resp, err := c.Get("https://" + domain + "/api/v2/clients?" + q.Encode())
		if err != nil {
			log.Fatal(err)
		}
		var page struct {
			Clients []struct {
				ClientID string `json:"client_id"`
				Name     string `json:"name"`
			} `json:"clients"`
			Next string `json:"next"`
		}
		if resp.StatusCode != http.StatusOK {
			log.Fatalf("GET /api/v2/clients: %s", resp.Status)
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			log.Fatal(err)
		}
		for _, app := range page.Clients {
			fmt.Println(app.ClientID, app.Name)
		}
		if page.Next == "" || len(page.Clients) == 0 {
			return
		}
		from = page.Next
	}
}
