package auth

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Defaults of the options below and of the token-lifetime rules.
const (
	// DefaultLifetime is assumed for a token whose response has no
	// expires_in.
	DefaultLifetime = 5 * time.Minute
	// MaxLifetime caps expires_in, so that an absurd value still leads to
	// a refresh within a day.
	MaxLifetime = 24 * time.Hour
	// DefaultTimeout bounds one token request.
	DefaultTimeout = 30 * time.Second
	// DefaultUserAgent is sent with token requests.
	DefaultUserAgent = "mgmtapi-auth/1"

	defaultRefreshFraction = 0.2
	defaultRefreshJitter   = 0.5
	defaultMinBackoff      = 1 * time.Second
	defaultMaxBackoff      = 1 * time.Minute
	// maxRetryAfter bounds how long a Retry-After header can silence the
	// Source.
	maxRetryAfter = 5 * time.Minute
)

// An Option changes how New and FromTokenSource build a Source.
type Option func(*options)

type options struct {
	httpClient    *http.Client
	timeout       time.Duration
	userAgent     string
	logger        *slog.Logger
	fraction      float64
	jitter        float64
	minBackoff    time.Duration
	maxBackoff    time.Duration
	allowInsecure bool
	testNow       func() time.Time // tests replace the clock; nil is the system clock
	rand          func() float64   // tests replace the jitter source

	// Fleet options (shared.go, metrics.go).
	shared      *SharedCache
	metrics     Metrics // WithMetrics; buildOptions makes nil noMetrics
	refreshHook func(RefreshEvent)
}

// WithHTTPClient sets the client whose Transport sends token requests. Its
// CheckRedirect and Timeout are not used: token requests never follow
// redirects (the credentials must not be re-sent elsewhere) and are bounded by
// WithTimeout.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) { o.httpClient = c }
}

// WithTimeout bounds each token request (default DefaultTimeout). The request
// runs on its own context, so a caller that gives up does not cancel it.
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// WithUserAgent sets the User-Agent of token requests (default
// DefaultUserAgent).
func WithUserAgent(ua string) Option {
	return func(o *options) { o.userAgent = ua }
}

// WithLogger makes the Source log token fetches (Debug), failed fetches
// (Warn) and 401 replays (Info). Records never contain secrets or tokens.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithRefreshWindow sets the stale window: a token is refreshed in the
// background once less than fraction of its lifetime remains, where fraction
// is reduced per token by a random share of up to jitter (both in [0, 1)
// and [0, 1]). The default, 0.2 and 0.5, refreshes a 300-s token 240–270 s
// and a 24-h token 19.2–21.6 h after it was requested. A fraction of 0 turns
// background refresh off.
func WithRefreshWindow(fraction, jitter float64) Option {
	return func(o *options) { o.fraction, o.jitter = fraction, jitter }
}

// WithBackoff bounds the wait after failed token requests: min after the
// first failure, doubling up to max, each jittered down by up to half.
func WithBackoff(min, max time.Duration) Option {
	return func(o *options) { o.minBackoff, o.maxBackoff = min, max }
}

// AllowInsecureHTTP permits an http token URL on a non-loopback host, for
// test networks. Credentials then travel in clear text.
func AllowInsecureHTTP() Option {
	return func(o *options) { o.allowInsecure = true }
}

// now is the time on the Source's clock.
func (o *options) now() time.Time {
	if o.testNow != nil {
		return o.testNow()
	}
	return time.Now()
}

// before reports whether the Source's clock has not reached t. For a t with
// a monotonic reading (every cache time taken from the system clock) it
// reads only the monotonic clock (time.Until), not the wall clock as well:
// the cached path runs it on every request, and a clock read costs more
// there than the rest of the path.
func (o *options) before(t time.Time) bool {
	if o.testNow != nil {
		return o.testNow().Before(t)
	}
	return time.Until(t) > 0
}

func buildOptions(opts []Option) (options, error) {
	o := options{
		timeout:    DefaultTimeout,
		userAgent:  DefaultUserAgent,
		fraction:   defaultRefreshFraction,
		jitter:     defaultRefreshJitter,
		minBackoff: defaultMinBackoff,
		maxBackoff: defaultMaxBackoff,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	switch {
	case o.timeout <= 0:
		return o, fmt.Errorf("auth: WithTimeout(%s) must be positive", o.timeout)
	case !(o.fraction >= 0 && o.fraction < 1):
		return o, fmt.Errorf("auth: WithRefreshWindow fraction %v must be in [0, 1)", o.fraction)
	case !(o.jitter >= 0 && o.jitter <= 1):
		return o, fmt.Errorf("auth: WithRefreshWindow jitter %v must be in [0, 1]", o.jitter)
	case o.minBackoff <= 0 || o.maxBackoff < o.minBackoff:
		return o, fmt.Errorf("auth: WithBackoff(%s, %s) needs 0 < min <= max", o.minBackoff, o.maxBackoff)
	}
	if o.metrics == nil {
		o.metrics = noMetrics{}
	}
	return o, nil
}
