package contract_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/mgmtapi/mgmtapi/contract"
)

// petsSpec is a small OpenAPI document; real ones are loaded with LoadFile.
const petsSpec = `
openapi: 3.0.3
info: {title: pets, version: "1"}
servers: [{url: "https://pets.example/api/v1"}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
security: [{bearer: []}]
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
      responses:
        "200":
          description: a pet
          content:
            application/json:
              schema:
                type: object
                required: [name]
                properties: {name: {type: string}}
        "404": {description: no such pet}
`

// A validating transport under an http.Client: a valid exchange goes through
// untouched, and a request or a response that does not match the document
// fails with a *contract.Error that lists the violations.
func Example() {
	ctx := context.Background()
	// Load once per process or test binary: it is the expensive part.
	spec, err := contract.Load(ctx, []byte(petsSpec))
	if err != nil {
		log.Fatal(err)
	}

	// A server that gets one pet right and one wrong.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "0000") {
			io.WriteString(w, `{"name": 7}`)
			return
		}
		io.WriteString(w, `{"name": "Rex"}`)
	}))
	defer srv.Close()

	// The server serves the paths under the declared base path /api/v1,
	// which the transport strips before routing.
	client := &http.Client{Transport: spec.Transport(http.DefaultTransport)}
	get := func(path, auth string) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := client.Do(req)
		var cerr *contract.Error
		if errors.As(err, &cerr) {
			for _, v := range cerr.Violations {
				fmt.Printf("%s %s: %s: %s\n", v.Operation, v.Where, v.Path, v.Message)
			}
			return
		}
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.StatusCode, string(body))
	}

	get("/api/v1/pets/3cde4b8e-7c6a-4a55-9a53-0b7d2f0e6d11", "Bearer t0ken")
	get("/api/v1/pets/42", "")
	get("/api/v1/pets/3cde4b8e-7c6a-4a55-9a53-0b7d2f0e0000", "Bearer t0ken")
	get("/api/v1/owners", "Bearer t0ken")
	// Output:
	// 200 {"name": "Rex"}
	// getPet request: /api/v1/pets/42: security requirements not met: missing bearer credentials in the Authorization header (security scheme "bearer")
	// getPet request: /api/v1/pets/42: parameter "id" in path: at /: string doesn't match the format "uuid" (not a UUID (want 8-4-4-4-12 hexadecimal digits))
	// getPet response: /api/v1/pets/3cde4b8e-7c6a-4a55-9a53-0b7d2f0e0000: response body doesn't match schema: at /name: value must be a string
	//  request: /api/v1/owners: no operation for GET /api/v1/owners
}
