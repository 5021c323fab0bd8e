// Module programs holds the programs buildcost compares the mgmtapi
// examples with: the README's Auth0 task on go-auth0 v1, and the "floor"
// programs that make the same calls by hand with net/http, encoding/json and
// x/oauth2. A module of its own so go-auth0 v1 stays out of mgmtapi's go.mod.
module buildcost.invalid/programs

go 1.26.8

require (
	github.com/auth0/go-auth0 v1.10.0
	golang.org/x/oauth2 v0.37.0
)

require github.com/PuerkitoBio/rehttp v1.4.0 // indirect
