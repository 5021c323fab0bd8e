package oteltest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/auth"
	vendor "github.com/mgmtapi/mgmtapi/auth0"
	"github.com/mgmtapi/mgmtapi/auth0/users"
	"github.com/mgmtapi/mgmtapi/internal/runtime/frontdoor"
	"github.com/mgmtapi/mgmtapi/option"
	"github.com/mgmtapi/mgmtapi/otelmgmt"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"golang.org/x/oauth2"
)

// canned answers every request with the same user, without a network: what
// remains is the client's own cost per call.
type canned struct{ body []byte }

func (c canned) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:    io.NopCloser(bytes.NewReader(c.body)),
		Request: req}, nil
}

var userBody = []byte(`{"user_id":"auth0|1","email":"ada@example.com","name":"Ada","app_metadata":{"plan":"pro"}}`)

// BenchmarkTelemetry compares, side by side in one run, the cost of one
// front-door call (auth0/users GET /users/{id}, decoded) on the connection's full
// stack (retry, auth with a cached token) over a canned transport:
//
//   - main-path: what the generated method did before telemetry (the raw
//     client call and frontdoor.Decode) on a connection without telemetry,
//     which is the stack main builds;
//   - off: the front-door method without otelmgmt.Enable (the default);
//   - noop: the front-door method with otelmgmt.Enable and the API's no-op
//     tracer and meter providers;
//   - global-unset: otelmgmt.Enable() alone (the global providers, never
//     set by the program: OpenTelemetry's delegating no-ops);
//   - sdk: the SDK's tracer provider with the in-memory exporter and a
//     meter provider with a manual reader.
func BenchmarkTelemetry(b *testing.B) {
	src, err := auth.FromTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "bench-token-0123456789", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}))
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	connect := func(b *testing.B, opts ...option.Option) *users.API {
		c, err := vendor.Connect(domain, "bench", "bench-secret-0123456789", append([]option.Option{option.WithSource(src),
			option.WithHTTPClient(&http.Client{Transport: canned{body: userBody}})}, opts...)...)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		return users.New(c)
	}
	call := func(b *testing.B, c *users.API) {
		b.ReportAllocs()
		for b.Loop() {
			u, err := c.GetUsersById(context.Background(), "auth0|1", nil)
			if err != nil || u.UserId == nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("main-path", func(b *testing.B) {
		c := connect(b)
		b.ReportAllocs()
		for b.Loop() {
			var u users.GetUserResponseContent
			resp, err := c.Client().GetUsersById(context.Background(), "auth0|1", nil)
			if err = frontdoor.Decode(resp, err, &u); err != nil || u.UserId == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("off", func(b *testing.B) { call(b, connect(b)) })
	b.Run("noop", func(b *testing.B) {
		call(b, connect(b, otelmgmt.Enable(otelmgmt.WithTracerProvider(tracenoop.NewTracerProvider()), otelmgmt.WithMeterProvider(metricnoop.NewMeterProvider()))))
	})
	b.Run("global-unset", func(b *testing.B) { call(b, connect(b, otelmgmt.Enable())) })
	b.Run("sdk", func(b *testing.B) {
		rec := newRecorder(b)
		c := connect(b, rec.options()...)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			u, err := c.GetUsersById(context.Background(), "auth0|1", nil)
			if err != nil || u.UserId == nil {
				b.Fatal(err)
			}
			if n++; n%4096 == 0 {
				rec.exp.Reset() // keep the exporter's memory bounded
			}
		}
	})
}
