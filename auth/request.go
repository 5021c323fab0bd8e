package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact"
)

// maxResponse bounds how much of a token response is read.
const maxResponse = 1 << 20

// endpoint sends client-credentials token requests for one Config.
type endpoint struct {
	cfg       Config
	url       *url.URL
	client    *http.Client
	userAgent string
	body      []byte // the request body, built once
	ctype     string
	basic     string // Authorization header value for AuthBasic
	secrets   *redact.Secrets
}

func newEndpoint(cfg Config, u *url.URL, o options) (*endpoint, error) {
	e := &endpoint{cfg: cfg, url: u, userAgent: o.userAgent}
	base := http.DefaultTransport
	if o.httpClient != nil && o.httpClient.Transport != nil {
		base = o.httpClient.Transport
	}
	e.client = &http.Client{
		Transport: base,
		// Never follow a redirect: it would re-send the credentials to
		// wherever the Location points. One to another origin is refused
		// with the *RedirectError of the rule every surface uses
		// (origin.go); one within the origin ends in the 3xx error of fetch.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if err := CheckRedirect(req, via); err != nil {
				return err
			}
			return http.ErrUseLastResponse
		},
	}

	params := map[string][]string{"grant_type": {"client_credentials"}}
	if len(cfg.Scopes) > 0 {
		params["scope"] = []string{strings.Join(cfg.Scopes, " ")}
	}
	if cfg.Audience != "" {
		params["audience"] = []string{cfg.Audience}
	}
	if cfg.Resource != "" {
		params["resource"] = []string{cfg.Resource}
	}
	for k, v := range cfg.Params {
		params[k] = v
	}
	if cfg.AuthStyle == AuthBody {
		params["client_id"] = []string{cfg.ClientID}
		params["client_secret"] = []string{cfg.ClientSecret}
	} else {
		// RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined.
		cred := url.QueryEscape(cfg.ClientID) + ":" + url.QueryEscape(cfg.ClientSecret)
		e.basic = "Basic " + base64.StdEncoding.EncodeToString([]byte(cred))
	}
	switch cfg.Encoding {
	case EncodingJSON:
		obj := make(map[string]any, len(params))
		for k, v := range params {
			if len(v) == 1 {
				obj[k] = v[0]
			} else {
				obj[k] = v
			}
		}
		b, err := json.Marshal(obj)
		if err != nil {
			return nil, errors.New("auth: cannot encode the token request as JSON")
		}
		e.body, e.ctype = b, "application/json"
	default:
		e.body, e.ctype = []byte(url.Values(params).Encode()), "application/x-www-form-urlencoded"
	}

	// The secret in every encoding a misbehaving server might echo back,
	// including inside Basic's base64(id:secret).
	e.secrets = redact.NewSecrets(cfg.ClientSecret, cfg.ClientID+":"+cfg.ClientSecret,
		url.QueryEscape(cfg.ClientID)+":"+url.QueryEscape(cfg.ClientSecret))
	return e, nil
}

// maxScrubbed bounds the text scrubbed at once: only the start of a body
// is kept (maxBodySnippet), and a secret longer than the difference is not
// a realistic client secret.
const maxScrubbed = 8 << 10

// scrub replaces every known form of the client secret in s (see
// redact.Secrets). Text beyond maxScrubbed bytes is dropped first.
func (e *endpoint) scrub(s string) string {
	if len(s) > maxScrubbed {
		s = s[:maxScrubbed]
	}
	return e.secrets.Replace(s, redacted)
}

// fetch sends one token request and parses the answer.
func (e *endpoint) fetch(ctx context.Context) (fetched, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url.String(), bytes.NewReader(e.body))
	if err != nil {
		return fetched{}, fmt.Errorf("auth: build token request for %s: %w", redact.URL(e.url), err)
	}
	req.Header.Set("Content-Type", e.ctype)
	req.Header.Set("Accept", "application/json")
	if e.userAgent != "" {
		req.Header.Set("User-Agent", e.userAgent)
	}
	if e.basic != "" {
		req.Header.Set("Authorization", e.basic)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		// *url.Error repeats the full URL; keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fetched{}, &requestError{url: redact.URL(e.url), err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return fetched{}, &Error{
			StatusCode: resp.StatusCode,
			Description: "token endpoint redirected; redirects are not followed so that credentials are not sent elsewhere " +
				"(set Config.TokenURL to the final URL)",
		}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return fetched{}, &requestError{url: redact.URL(e.url), err: fmt.Errorf("reading response: %w", err)}
	}
	if len(body) > maxResponse {
		return fetched{}, &Error{StatusCode: resp.StatusCode, Description: "response body larger than 1 MiB"}
	}
	return parseResponse(resp.StatusCode, resp.Header, body, e.scrub)
}

// requestError is a token request that got no HTTP answer (network error,
// timeout). It unwraps to the cause, e.g. context.DeadlineExceeded.
type requestError struct {
	url string
	err error
}

func (e *requestError) Error() string {
	return "auth: token request to " + e.url + ": " + e.err.Error()
}

func (e *requestError) Unwrap() error { return e.err }
