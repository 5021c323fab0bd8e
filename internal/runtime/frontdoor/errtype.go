package frontdoor

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/ratelimit"
)

// Error kinds recorded as error.type when a call fails without an HTTP
// error status (which is recorded as its number, e.g. "404"). The list is
// closed, so the attribute stays low-cardinality.
const (
	ErrKindCanceled   = "canceled"    // the caller's context was canceled
	ErrKindTimeout    = "timeout"     // a deadline or a client timeout passed
	ErrKindOverBudget = "over_budget" // ratelimit refused to wait that long
	ErrKindToken      = "token"       // no token: the token endpoint failed
	ErrKindRedirect   = "redirect"    // a redirect was refused
	ErrKindConnection = "connection"  // the request did not get an answer
	ErrKindRequest    = "request"     // the request could not be built
	ErrKindResponse   = "response"    // the answer could not be read or decoded
)

// classify returns what a failed call records: the status (the API
// error's, else the last answer's), the vendor's error code (bounded) and
// error.type.
func classify(err error, status int) (int, string, string) {
	if ae, ok := errors.AsType[*apierror.Error](err); ok && ae.StatusCode > 0 {
		return ae.StatusCode, boundedCode(ae.Code), strconv.Itoa(ae.StatusCode)
	}
	var kind string
	switch {
	case errors.Is(err, context.Canceled):
		kind = ErrKindCanceled
	case errors.Is(err, context.DeadlineExceeded), timeout(err):
		kind = ErrKindTimeout
	case errors.Is(err, ratelimit.ErrOverBudget):
		kind = ErrKindOverBudget
	case is[*auth.RedirectError](err):
		kind = ErrKindRedirect
	case is[*auth.Error](err):
		kind = ErrKindToken
	case is[*url.Error](err):
		kind = ErrKindConnection
	case status > 0:
		kind = ErrKindResponse
	default:
		kind = ErrKindRequest
	}
	return status, "", kind
}

// boundedCode keeps at most MaxErrorCode bytes of printable ASCII of a
// vendor error code.
func boundedCode(code string) string {
	b := make([]byte, 0, min(len(code), MaxErrorCode))
	for i := 0; i < len(code) && len(b) < MaxErrorCode; i++ {
		if c := code[i]; c > ' ' && c < 0x7f {
			b = append(b, c)
		}
	}
	return string(b)
}

// is reports whether err's tree holds an E.
func is[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}

func timeout(err error) bool {
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

// unsentErr reports an error that proves the base transport sent nothing:
// a failed dial (refused connection, unreachable host), a failed DNS
// lookup, or a rate-limit refusal (ratelimit.ErrOverBudget), which the base
// returns before sending.
func unsentErr(err error) bool {
	if err == nil {
		return false
	}
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Op == "dial" {
		return true
	}
	return is[*net.DNSError](err) || errors.Is(err, ratelimit.ErrOverBudget)
}
