package bench

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// The comparison's baseline is go-auth0 v1's management.UserList, decoded as
// go-auth0 v1 decodes it. The Go module proxy reachable here refuses
// github.com/auth0/go-auth0 (403), so the types below restate v1's model:
// the same members with the same Go types (pointers, *time.Time,
// *map[string]interface{}), and the same strategy: encoding/json into plain
// structs, with User and UserIdentity each decoded through a method-less
// copy of themselves plus an interface{} member for the values whose JSON
// type varies (email_verified, identities[].user_id). Swap in the real
// module when it can be fetched: the benchmark only needs v1UserList.

// v1List is go-auth0 v1's pagination envelope.
type v1List struct {
	Start  int    `json:"start"`
	Limit  int    `json:"limit"`
	Length int    `json:"length"`
	Total  int    `json:"total"`
	Next   string `json:"next,omitempty"`
}

// v1UserList is go-auth0 v1's management.UserList.
type v1UserList struct {
	v1List
	Users []*v1User `json:"users"`
}

// v1User is go-auth0 v1's management.User.
type v1User struct {
	ID                *string                 `json:"user_id,omitempty"`
	Connection        *string                 `json:"connection,omitempty"`
	Email             *string                 `json:"email,omitempty"`
	Name              *string                 `json:"name,omitempty"`
	GivenName         *string                 `json:"given_name,omitempty"`
	FamilyName        *string                 `json:"family_name,omitempty"`
	Username          *string                 `json:"username,omitempty"`
	Nickname          *string                 `json:"nickname,omitempty"`
	ScreenName        *string                 `json:"screen_name,omitempty"`
	Description       *string                 `json:"description,omitempty"`
	Location          *string                 `json:"location,omitempty"`
	Password          *string                 `json:"password,omitempty"`
	PhoneNumber       *string                 `json:"phone_number,omitempty"`
	CreatedAt         *time.Time              `json:"created_at,omitempty"`
	UpdatedAt         *time.Time              `json:"updated_at,omitempty"`
	LastLogin         *time.Time              `json:"last_login,omitempty"`
	LastPasswordReset *time.Time              `json:"last_password_reset,omitempty"`
	UserMetadata      *map[string]interface{} `json:"user_metadata,omitempty"`
	Identities        []*v1UserIdentity       `json:"identities,omitempty"`
	EmailVerified     *bool                   `json:"-"`
	VerifyEmail       *bool                   `json:"verify_email,omitempty"`
	PhoneVerified     *bool                   `json:"phone_verified,omitempty"`
	AppMetadata       *map[string]interface{} `json:"app_metadata,omitempty"`
	Picture           *string                 `json:"picture,omitempty"`
	URL               *string                 `json:"url,omitempty"`
	Blocked           *bool                   `json:"blocked,omitempty"`
	LastIP            *string                 `json:"last_ip,omitempty"`
	LoginsCount       *int64                  `json:"logins_count,omitempty"`
	Multifactor       *[]string               `json:"multifactor,omitempty"`
	ClientID          *string                 `json:"client_id,omitempty"`
}

// UnmarshalJSON reads email_verified as a bool or a string, as v1 does.
func (u *v1User) UnmarshalJSON(b []byte) error {
	type plain v1User
	var aux struct {
		*plain
		RawEmailVerified interface{} `json:"email_verified,omitempty"`
	}
	aux.plain = (*plain)(u)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	switch v := aux.RawEmailVerified.(type) {
	case nil:
	case bool:
		u.EmailVerified = &v
	case string:
		ok, err := strconv.ParseBool(v)
		if err != nil {
			return err
		}
		u.EmailVerified = &ok
	default:
		return errors.New("email_verified: unexpected JSON type")
	}
	return nil
}

// v1UserIdentity is go-auth0 v1's management.UserIdentity.
type v1UserIdentity struct {
	Connection        *string                 `json:"connection,omitempty"`
	UserID            *string                 `json:"-"`
	Provider          *string                 `json:"provider,omitempty"`
	IsSocial          *bool                   `json:"isSocial,omitempty"`
	AccessToken       *string                 `json:"access_token,omitempty"`
	AccessTokenSecret *string                 `json:"access_token_secret,omitempty"`
	RefreshToken      *string                 `json:"refresh_token,omitempty"`
	ProfileData       *map[string]interface{} `json:"profileData,omitempty"`
}

// UnmarshalJSON reads user_id as a string or a number, as v1 does.
func (i *v1UserIdentity) UnmarshalJSON(b []byte) error {
	type plain v1UserIdentity
	var aux struct {
		*plain
		RawUserID interface{} `json:"user_id,omitempty"`
	}
	aux.plain = (*plain)(i)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	switch v := aux.RawUserID.(type) {
	case nil:
	case string:
		i.UserID = &v
	case float64:
		s := strconv.Itoa(int(v))
		i.UserID = &s
	default:
		return errors.New("identities[].user_id: unexpected JSON type")
	}
	return nil
}
