package losslesstest

import (
	"net/http"
	"testing"

	applications "github.com/mgmtapi/mgmtapi/internal/tests/apis/applications"
	scimgroups "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimgroups"
	scimroles "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimroles"
	scimschemas "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimschemas"
	scimspconfig "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimspconfig"
	scimusers "github.com/mgmtapi/mgmtapi/internal/tests/apis/scimusers"
)

// Multi-valued attributes (emails, members) decode into the hand-written
// scim.Value (specs/scim.overlay.yaml), which keeps only the RFC 7643
// members; undeclared members are exercised at the other depths here.
const scimUser = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"kim",
 "name":{"givenName":"Kim","familyName":"Berry","phonetic":{"given":"kimu"}},
 "emails":[{"value":"kim@example.com","primary":true}],
 "meta":{"resourceType":"User","created":"2024-01-01T00:00:00Z","tenant":{"id":` + big + `}},
 "urn:example:custom:2.0:User":{"badge":42}}`

const scimGroup = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Admins",
 "members":[{"value":"u1","display":"kim","$ref":"https://example.com/Users/u1"}],
 "meta":{"resourceType":"Group","etag":"W/\"1\""},"quota":` + big + `}`

const applicationsList = `{"totalResults":1,"startIndex":1,"count":1,
 "applications":[{"id":"a1","name":"Portal","access":"WRITE","clientId":"abc","owner":{"id":"o1","tags":["x"]}}],
 "links":[{"href":"/applications?offset=10","rel":"next","method":"GET"}],"orgHint":` + big + `}`

const scimRole = `{"schemas":["urn:ietf:params:scim:schemas:extension:2.0:Role"],"id":"r1","displayName":"loginRole",
 "audience":{"value":"a1","display":"Portal","type":"application","region":{"code":"eu"}},
 "meta":{"location":"https://example.com/scim2/v2/Roles/r1","version":` + big + `},"riskLevel":"low"}`

const scimSPConfig = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
 "patch":{"supported":true,"maxPaths":` + big + `},"bulk":{"supported":true,"maxOperations":1000,"maxPayloadSize":1048576,"async":false},
 "filter":{"supported":true,"maxResults":200},"changePassword":{"supported":false},"sort":{"supported":true},
 "etag":{"supported":true},"authenticationSchemes":[],"x-tenant":{"plan":"b2b"}}`

// WSO2 answers GET /Schemas/{id} with the schema in a one-element array
// (specs/scimschemas.overlay.yaml); its attributes carry members the spec
// does not declare.
const scimSchema = `{"id":"urn:ietf:params:scim:schemas:core:2.0:User","name":"User","description":"User Account",
 "attributes":[{"name":"nickName","type":"STRING","multiValued":false,"required":false,"caseExact":false,
 "mutability":"READ_WRITE","returned":"DEFAULT","uniqueness":"NONE","x-wso2-claim":"http://wso2.org/claims/nickname",
 "x-wso2-order":` + big + `}],"meta":{"resourceType":"Schema"}}`

func TestSCIMAndApplicationsRoundTrip(t *testing.T) {
	runRoundTrips(t, []roundTrip{
		{"scimusers user", scimUser, func(r *http.Response) (any, error) {
			p, err := scimusers.ParseGetUserResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		}},
		{"scimgroups group", scimGroup, func(r *http.Response) (any, error) {
			p, err := scimgroups.ParseGetGroupResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		}},
		{"scimroles role", scimRole, func(r *http.Response) (any, error) {
			p, err := scimroles.ParseGetRoleResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		}},
		{"scimspconfig config", scimSPConfig, func(r *http.Response) (any, error) {
			p, err := scimspconfig.ParseGetServiceProviderConfigResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		}},
		{"scimschemas schema by id, WSO2's one-element array", "[" + scimSchema + "]", func(r *http.Response) (any, error) {
			p, err := scimschemas.ParseGetSchemaByIdResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200.AsSchemaObjectList()
		}},
		{"scimschemas schema by id, plain object", scimSchema, func(r *http.Response) (any, error) {
			p, err := scimschemas.ParseGetSchemaByIdResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200.AsSchemaObject()
		}},
		{"applications list", applicationsList, func(r *http.Response) (any, error) {
			p, err := applications.ParseGetAllApplicationsResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		}},
	})
}
