package frontdoor

import (
	"log/slog"
	"net/http"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/retry"
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

	// Telemetry (telemetry.go), set by package otelmgmt: Observer, when
	// set, builds the Observer of a connection to a server (its base
	// URL); Inject makes the innermost layer call its Inject on every
	// request sent; AuthMetrics, when set, records the token metrics of
	// a Source Dial builds (auth.WithMetrics).
	Observer    func(server string) Observer
	Inject      bool
	AuthMetrics auth.Metrics
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
