package frontdoor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/mgmtapi/mgmtapi/internal/runtime/genjson"
)

// DecodeOne is Decode for an answer that is one JSON value or a JSON array
// of exactly that one value: WSO2 Identity Server answers GET /Schemas/{id}
// with the schema in a one-element array, other SCIM servers with the
// schema itself. It decodes either into v; an array of any other length
// is an error, never a silently chosen element.
func DecodeOne(resp *http.Response, err error, v any) error {
	body, err := Body(resp, err)
	if err != nil || len(body) == 0 {
		return err
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(body, &items); err != nil {
			return fmt.Errorf("%s: decoding the %d response: %w", where(resp), resp.StatusCode, err)
		}
		if len(items) != 1 {
			return fmt.Errorf("%s: the %d response is a list of %d values, want one", where(resp), resp.StatusCode, len(items))
		}
		body = items[0]
	}
	if err := genjson.UnmarshalValue(body, v); err != nil {
		return fmt.Errorf("%s: decoding the %d response: %w", where(resp), resp.StatusCode, err)
	}
	return nil
}
