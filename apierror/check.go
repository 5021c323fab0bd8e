package apierror

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact"
)

// Check returns nil if resp has a 2xx status, and an [*Error] describing it
// otherwise. body is the already read response body, as generated
// ...WithResponse results hold it in their Body field. If body is nil and
// the status is not 2xx, Check reads up to [MaxBody] bytes of resp.Body and
// closes it. A nil resp is an error too.
func Check(resp *http.Response, body []byte) error {
	if resp == nil {
		return errors.New("apierror: nil response")
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	if body == nil && resp.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, MaxBody))
		resp.Body.Close()
	}
	e := &Error{StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type")}
	e.parseBody(body)
	if req := resp.Request; req != nil {
		e.Method, e.URL = req.Method, redact.URL(req.URL)
		// A server may echo a query value (a filter, a token passed in the
		// URL) in its message; the text promises none.
		if vals := queryValues(req.URL); len(vals) > 0 {
			e.Code, e.Message = redactValues(e.Code, vals), redactValues(e.Message, vals)
		}
	}
	if len(body) > MaxBody {
		body = body[:MaxBody]
	}
	if len(body) > 0 {
		e.Body = append([]byte(nil), body...)
	}
	return e
}

// Response is satisfied by the result types of generated ...WithResponse
// methods (through their StatusCode method). [Checked] also reads their
// HTTPResponse and Body fields.
type Response interface {
	StatusCode() int
}

// Checked passes through the results of a generated ...WithResponse call,
// adding an [*Error] when the call succeeded at the HTTP level but the
// status is not 2xx:
//
//	res, err := apierror.Checked(c.GetUserByIdWithResponse(ctx, id))
//	if err != nil {
//		return err // network error, or *apierror.Error for 4xx/5xx
//	}
//	use(res.JSON200)
//
// An err from the call is returned unchanged. res is always returned, so
// typed error bodies (res.JSON404 ...) stay available. res must point to a
// struct with the generated HTTPResponse (*http.Response) and Body ([]byte)
// fields; anything else yields a descriptive error, never a panic.
func Checked[R Response](res R, err error) (R, error) {
	if err != nil {
		return res, err
	}
	v := reflect.ValueOf(res)
	if !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return res, errors.New("apierror: nil response")
	}
	v = reflect.Indirect(v)
	if v.Kind() != reflect.Struct {
		return res, fmt.Errorf("apierror: %T is not a generated response struct", res)
	}
	hr, ok := field(v, "HTTPResponse").(*http.Response)
	if !ok {
		return res, fmt.Errorf("apierror: %T has no HTTPResponse *http.Response field", res)
	}
	if hr == nil {
		return res, fmt.Errorf("apierror: %T holds no HTTP response", res)
	}
	body, _ := field(v, "Body").([]byte)
	if body == nil {
		body = []byte{} // the generated client already consumed resp.Body
	}
	return res, Check(hr, body)
}

// field returns the value of v's exported field name, or nil if v has no
// such field or it is not reachable (behind a nil embedded pointer).
func field(v reflect.Value, name string) any {
	sf, ok := v.Type().FieldByName(name)
	if !ok || !sf.IsExported() {
		return nil
	}
	f, err := v.FieldByIndexErr(sf.Index)
	if err != nil {
		return nil
	}
	return f.Interface()
}
