// Command umbraco is the floor for the Umbraco quick start: the same calls
// (back-office token for an API user, GET
// /umbraco/management/api/v1/user/current) by hand with net/http,
// encoding/json and x/oauth2's client credentials.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

func main() {
	site := strings.TrimRight(os.Getenv("UMBRACO_URL"), "/")
	cfg := clientcredentials.Config{
		ClientID:     os.Getenv("UMBRACO_CLIENT_ID"),
		ClientSecret: os.Getenv("UMBRACO_CLIENT_SECRET"),
		TokenURL:     site + "/umbraco/management/api/v1/security/back-office/token",
		AuthStyle:    oauth2.AuthStyleInParams,
	}
	resp, err := cfg.Client(context.Background()).Get(site + "/umbraco/management/api/v1/user/current")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		log.Fatalf("GET user/current: %s", resp.Status)
	}
	var me struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Hello, %s (%s)\n", me.Name, me.Email)
}
