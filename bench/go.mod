module github.com/mgmtapi/mgmtapi/bench

go 1.26.8

require (
	github.com/auth0/go-auth0 v1.10.0
	github.com/mgmtapi/mgmtapi v0.0.0
)

require (
	github.com/PuerkitoBio/rehttp v1.4.0 // indirect
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-json-experiment/json v1.27.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/oapi-codegen/runtime v1.8.0 // indirect
	go.opentelemetry.io/otel v1.47.0 // indirect
	go.opentelemetry.io/otel/metric v1.47.0 // indirect
	golang.org/x/oauth2 v0.37.0 // indirect
)

replace github.com/mgmtapi/mgmtapi => ../
