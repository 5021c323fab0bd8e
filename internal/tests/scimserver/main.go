// Command scimserver is an independent, in-memory SCIM 2.0 service provider
// for the mgmtapi tests, built on github.com/elimity-com/scim: that library
// validates bodies against the RFC 7643 schemas, parses filters and PATCH
// paths, writes list responses and errors. This program stores resources,
// applies filters and PATCH operations, checks uniqueness and ETags, and
// records every request it receives so tests can assert the bytes on the
// wire.
//
// It is a separate Go module so that its dependencies never reach what
// importers of github.com/mgmtapi/mgmtapi compile. It listens on 127.0.0.1
// only, on a free port, and prints "listening on <origin>" on stdout once it
// accepts connections.
//
// Endpoints, under -prefix (default /scim2): the SCIM resources /Users and
// /Groups (with /.search), /Bulk, /Schemas, /ResourceTypes and
// /ServiceProviderConfig. Outside the prefix: GET /_requests?since=N (the
// recorded requests as JSON) and POST /_parse/filter and /_parse/path (the
// parser's view of a filter or PATCH path, for round-trip tests).
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "scimserver:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("scimserver", flag.ContinueOnError)
	prefix := fs.String("prefix", "/scim2", "path the SCIM endpoints are served under")
	token := fs.String("token", "", "bearer token every SCIM request must carry (required)")
	maxResults := fs.Int("max-results", 100, "largest page the server returns (ServiceProviderConfig filter.maxResults)")
	bulkMax := fs.Int("bulk-max-operations", 1000, "most operations a bulk request may carry (413 beyond)")
	lie := fs.Int("total-results-offset", 0, "added to totalResults of filtered lists, like a server whose count is wrong under some filters")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" {
		return fmt.Errorf("-token is required")
	}
	h, err := newHandler(config{
		Prefix:             *prefix,
		Token:              *token,
		MaxResults:         *maxResults,
		TotalResultsOffset: *lie,
		BulkMaxOperations:  *bulkMax,
	})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening on http://%s\n", l.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	slog.Info("serving", "addr", l.Addr().String())
	return srv.Serve(l)
}
