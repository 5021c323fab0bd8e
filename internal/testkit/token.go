package testkit

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// token is the token endpoint: client credentials in HTTP Basic or in the
// body (form or JSON), grant_type client_credentials. The right credentials
// get a fresh bearer token; wrong ones 401 invalid_client (RFC 6749 5.2).
func (s *Server) token(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "the token endpoint takes POST")
		return
	}
	params := url.Values{}
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/json") {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "the body is not a JSON object")
			return
		}
		for k, v := range m {
			if str, ok := v.(string); ok {
				params.Set(k, str)
			}
		}
	} else {
		p, err := url.ParseQuery(string(body))
		if err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
			return
		}
		params = p
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = params.Get("client_id"), params.Get("client_secret")
	}
	if params.Get("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "the kit grants client_credentials only")
		return
	}
	if subtle.ConstantTimeCompare([]byte(id), []byte(s.id)) != 1 || subtle.ConstantTimeCompare([]byte(secret), []byte(s.secret)) != 1 {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong client secret")
		return
	}
	tok := "kit_" + randomHex(24)
	s.mu.Lock()
	s.tokens[tok] = true
	s.issued++
	s.mu.Unlock()
	out := map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600}
	if sc := params.Get("scope"); sc != "" {
		out["scope"] = sc
	}
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	b, _ := json.Marshal(map[string]string{"error": code, "error_description": desc})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// checkToken returns the bearer token of r and whether the kit issued it
// and has not revoked it.
func (s *Server) checkToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	s.mu.Lock()
	defer s.mu.Unlock()
	return tok, s.tokens[tok]
}

// revoke makes the kit refuse tok from now on.
func (s *Server) revoke(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, tok)
}
