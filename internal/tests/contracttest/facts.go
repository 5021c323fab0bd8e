package contracttest

import (
	"strconv"
	"strings"

	"github.com/mgmtapi/mgmtapi/internal/testkit/synth"
)

// Facts counts what a fixed document declares, so that a test that finds
// these things in the generated code by reflection can tell "the package has
// none" from "the reflection no longer matches the generated code".
type Facts struct {
	// PathParamOps is the number of operations whose path has a parameter.
	PathParamOps int
	// SingleJSON2xxOps is the number of operations that declare exactly one
	// 2xx response with a JSON body.
	SingleJSON2xxOps int
}

// SpecFacts returns the Facts of the fixed document of api.
func SpecFacts(api string) (Facts, error) {
	path, err := SpecPath(api)
	if err != nil {
		return Facts{}, err
	}
	doc, err := loadDoc(path)
	if err != nil {
		return Facts{}, err
	}
	e := &Env{API: api, Doc: doc}
	var f Facts
	for _, o := range e.Operations() {
		if strings.Contains(o.Path, "{") {
			f.PathParamOps++
		}
		if o.op.Responses == nil {
			continue
		}
		n := 0
		for code, r := range o.op.Responses.Map() {
			s, err := strconv.Atoi(code)
			if err != nil || s < 200 || s > 299 || r.Value == nil {
				continue
			}
			for mt := range r.Value.Content {
				if synth.IsJSONMediaType(mt) {
					n++
					break
				}
			}
		}
		if n == 1 {
			f.SingleJSON2xxOps++
		}
	}
	return f, nil
}
