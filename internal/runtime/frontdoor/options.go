package frontdoor

import (
	"log/slog"
	"net/http"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/retry"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Settings are what the options of package option set; a vendor's Connect
// applies them and passes them to Dial.
type Settings struct {
	HTTPClient *http.Client
	Logger     *slog.Logger
	Retry      *retry.Transport
	NoRetry    bool
	Source     *auth.Source
	BaseURL    string
	TokenURL   string
	Scopes     []string
	AuthOpts   []auth.Option

	// Telemetry (telemetry.go): nil providers mean the global ones;
	// NoTelemetry turns spans and the duration metric off; Propagator,
	// when set, injects the trace context into every request sent.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	Propagator     propagation.TextMapPropagator
	NoTelemetry    bool
}

// Apply returns the settings opts make (nil options are skipped).
func Apply[O ~func(*Settings)](opts []O) Settings {
	var s Settings
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	return s
}
