package testkit

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/routers"
)

// recorded answers with the recorded response of the operation, when the
// server has a directory of them (Config.Recorded) holding one: the file
// "<operationId>.json" is the JSON body, sent with the operation's first
// declared success status and its JSON media type. The file is read for
// every request, so a test may write it after the server started.
func (s *Server) recorded(k opKey, route *routers.Route) (answer, bool, string) {
	if s.cfg.Recorded == "" || strings.ContainsAny(k.id, `/\ `) {
		return answer{}, false, ""
	}
	name := filepath.Join(s.cfg.Recorded, k.id+".json")
	body, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return answer{}, false, ""
	}
	if err != nil {
		return answer{}, false, "read the recorded response: " + err.Error()
	}
	status, _ := successResponse(route.Operation)
	ans := answer{status: status, header: http.Header{}, body: body, source: "recorded response " + name}
	if mt, _ := jsonMedia(responseContent(route.Operation, status)); mt != "" {
		ans.header.Set("Content-Type", mt)
	} else {
		ans.header.Set("Content-Type", "application/json")
	}
	return ans, true, ""
}
