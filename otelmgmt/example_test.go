package otelmgmt_test

import (
	"context"
	"fmt"

	"github.com/mgmtapi/mgmtapi/auth0"
	"github.com/mgmtapi/mgmtapi/auth0/users"
	"github.com/mgmtapi/mgmtapi/otelmgmt"
	"go.opentelemetry.io/otel/propagation"
)

// Every call of the connection is one client span and one duration
// measurement of the global providers; the vendor also gets traceparent.
func ExampleEnable() {
	conn, err := auth0.Connect("tenant.eu.auth0.com", "client-id", "client-secret",
		otelmgmt.Enable(otelmgmt.WithPropagator(propagation.TraceContext{})))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	u, err := users.New(conn).GetUsersById(context.Background(), "auth0|1", nil)
	fmt.Println(u, err)
}
