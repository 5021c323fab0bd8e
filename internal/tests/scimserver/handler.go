package main

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// config is the server's command-line configuration.
type config struct {
	Prefix             string
	Token              string
	MaxResults         int
	TotalResultsOffset int
	BulkMaxOperations  int
}

// Schema URIs of the extensions the server knows besides RFC 7643's.
const (
	// wso2Schema is Asgardeo's custom user schema (askPassword, verifyEmail).
	wso2Schema = "urn:scim:wso2:schema"
	// groupExtSchema is a test extension on groups, so that a group carries
	// attributes a client does not know.
	groupExtSchema = "urn:mgmtapi:params:scim:schemas:extension:test:2.0:Group"
)

// newHandler returns the whole server: request log, bearer check, the
// conditional GET and the elimity SCIM server under cfg.Prefix.
func newHandler(cfg config) (http.Handler, error) {
	groups := newStore("Group", schema.CoreGroupSchema(), []schema.Schema{groupExtension()}, "displayName")
	users := newStore("User", schema.CoreUserSchema(), []schema.Schema{schema.ExtensionEnterpriseUser(), wso2Extension()}, "userName")
	users.groupsOf = groups.membershipsOf
	for _, s := range []*store{users, groups} {
		s.totalOffset = cfg.TotalResultsOffset
	}
	server, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{
			DocumentationURI: optional.NewString("https://github.com/mgmtapi/mgmtapi/tree/main/internal/tests/scimserver"),
			MaxResults:       cfg.MaxResults,
			SupportFiltering: true,
			SupportPatch:     true,
		},
		ResourceTypes: []scim.ResourceType{
			{
				ID:          optional.NewString("User"),
				Name:        "User",
				Endpoint:    "/Users",
				Description: optional.NewString("User Account"),
				Schema:      users.schema,
				SchemaExtensions: []scim.SchemaExtension{
					{Schema: users.extensions[0]},
					{Schema: users.extensions[1]},
				},
				Handler: users,
			},
			{
				ID:               optional.NewString("Group"),
				Name:             "Group",
				Endpoint:         "/Groups",
				Description:      optional.NewString("Group"),
				Schema:           groups.schema,
				SchemaExtensions: []scim.SchemaExtension{{Schema: groups.extensions[0]}},
				Handler:          groups,
			},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("elimity server: %w", err)
	}
	log := &requestLog{}
	mux := http.NewServeMux()
	mux.Handle("GET /_requests", log)
	mux.HandleFunc("POST /_parse/filter", parseFilter)
	mux.HandleFunc("POST /_parse/path", parsePath)
	resources := bearer(cfg.Token, conditionalGet(map[string]*store{"/Users/": users, "/Groups/": groups}, server))
	scimHandler := http.NewServeMux()
	scimHandler.Handle("POST /Bulk", bearer(cfg.Token, bulk(resources, cfg.BulkMaxOperations)))
	scimHandler.Handle("/", resources)
	mux.Handle(cfg.Prefix+"/", log.record(http.StripPrefix(cfg.Prefix, scimHandler)))
	return mux, nil
}

// bearer answers 401 (RFC 7644 §3.12) unless the request carries the token.
func bearer(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			writeError(w, http.StatusUnauthorized, "", "Authorization failure. The authorization header is invalid or missing.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// conditionalGet answers 304 to a GET of one resource whose version matches
// If-None-Match (RFC 7644 §3.14); elimity's handlers have no 304.
func conditionalGet(stores map[string]*store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inm := r.Header.Get("If-None-Match"); inm != "" && r.Method == http.MethodGet {
			for prefix, s := range stores {
				id, ok := strings.CutPrefix(r.URL.Path, prefix)
				if !ok || id == "" || strings.Contains(id, "/") {
					continue
				}
				if v, found := s.version(id); found && v == inm {
					w.Header().Set("ETag", v)
					w.WriteHeader(http.StatusNotModified)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// wso2Extension is Asgardeo's urn:scim:wso2:schema, reduced to the two
// attributes the clients name.
func wso2Extension() schema.Schema {
	return schema.Schema{
		ID:          wso2Schema,
		Name:        optional.NewString("WSO2User"),
		Description: optional.NewString("Asgardeo custom user attributes"),
		Attributes: []schema.CoreAttribute{
			schema.SimpleCoreAttribute(schema.SimpleBooleanParams(schema.BooleanParams{Name: "askPassword"})),
			schema.SimpleCoreAttribute(schema.SimpleBooleanParams(schema.BooleanParams{Name: "verifyEmail"})),
		},
	}
}

// groupExtension gives groups attributes the generated clients do not
// declare.
func groupExtension() schema.Schema {
	return schema.Schema{
		ID:          groupExtSchema,
		Name:        optional.NewString("TestGroup"),
		Description: optional.NewString("Group attributes unknown to the clients"),
		Attributes: []schema.CoreAttribute{
			schema.SimpleCoreAttribute(schema.SimpleStringParams(schema.StringParams{Name: "costCenter"})),
		},
	}
}
