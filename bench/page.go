package bench

import (
	"fmt"
	"strings"
)

// usersPage returns a GET /api/v2/users page (include_totals=true) of n
// users shaped like a real tenant's: database and social identities (every
// third social, with a numeric user_id), metadata, and timestamps with
// milliseconds. With undeclared, every user also carries a member the
// schema does not declare, which mgmtapi keeps and go-auth0 v1 drops.
func usersPage(n int, undeclared bool) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"start":0,"limit":%d,"length":%d,"total":%d,"users":[`, n, n, 4*n)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		social := i%3 == 0
		id := fmt.Sprintf(`"auth0|64f1c0ffee%014d"`, i)
		identity := fmt.Sprintf(`{"connection":"Username-Password-Authentication","user_id":"64f1c0ffee%014d","provider":"auth0","isSocial":false}`, i)
		if social {
			id = fmt.Sprintf(`"github|%d"`, 1000000+i)
			identity = fmt.Sprintf(`{"connection":"github","user_id":%d,"provider":"github","isSocial":true,"profileData":{"login":"dev%d","public_repos":%d}}`, 1000000+i, i, i%40)
		}
		fmt.Fprintf(&b, `{"created_at":"2024-01-%02dT09:30:00.123Z","email":"user%d@example.com","email_verified":%t,`+
			`"identities":[%s],"name":"User Number %d","nickname":"user%d","picture":"https://s.gravatar.com/avatar/%032x?s=480&r=pg&d=https%%3A%%2F%%2Fcdn.auth0.com%%2Favatars%%2Fus.png",`+
			`"updated_at":"2025-11-%02dT17:45:12.345Z","user_id":%s,"last_ip":"203.0.113.%d","last_login":"2025-11-%02dT17:45:12.345Z","logins_count":%d,`+
			`"app_metadata":{"roles":["member"],"plan":"pro","seats":%d},"user_metadata":{"theme":"dark","locale":"en-GB"},"given_name":"User","family_name":"Number %d","blocked":false,`+
			`"last_password_reset":"2025-06-%02dT08:00:00.000Z","multifactor":["guardian"],"phone_verified":false%s}`,
			1+i%28, i, i%2 == 0, identity, i, i, i, 1+i%28, id, i%250, 1+i%28, i*7, i%10, i, 1+i%28, extra(undeclared, i))
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func extra(undeclared bool, i int) string {
	if !undeclared {
		return ""
	}
	return fmt.Sprintf(`,"risk_score":0.%d`, i%10)
}
