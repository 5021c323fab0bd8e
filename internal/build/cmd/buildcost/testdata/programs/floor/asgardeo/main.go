// Command asgardeo is the floor for the Asgardeo quick start: the same calls
// (token by HTTP Basic with the internal_user_mgt_list scope, then every user
// from GET /scim2/Users, SCIM-paged with startIndex/count) by hand with
// net/http, encoding/json and x/oauth2's client credentials.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

func main() {
	base := "https://api.asgardeo.io/t/" + url.PathEscape(os.Getenv("ASGARDEO_ORG"))
	cfg := clientcredentials.Config{
		ClientID:     os.Getenv("ASGARDEO_CLIENT_ID"),
		ClientSecret: os.Getenv("ASGARDEO_CLIENT_SECRET"),
		TokenURL:     base + "/oauth2/token",
		Scopes:       []string{"internal_user_mgt_list"},
		AuthStyle:    oauth2.AuthStyleInHeader,
	}
	c := cfg.Client(context.Background())
	for start := 1; ; {
		resp, err := c.Get(base + "/scim2/Users?startIndex=" + strconv.Itoa(start) + "&count=100")
		if err != nil {
			log.Fatal(err)
		}
		var page struct {
			TotalResults int `json:"totalResults"`
			Resources    []struct {
				UserName string `json:"userName"`
			} `json:"Resources"`
		}
		if resp.StatusCode != http.StatusOK {
			log.Fatalf("GET /scim2/Users: %s", resp.Status)
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			log.Fatal(err)
		}
		for _, u := range page.Resources {
			fmt.Println(u.UserName)
		}
		start += len(page.Resources)
		if len(page.Resources) == 0 || start > page.TotalResults {
			return
		}
	}
}
