package auth

import (
	"context"

	"golang.org/x/oauth2"
)

// TokenSource returns an oauth2.TokenSource view of s for libraries that
// take one (oauth2.NewClient, gRPC credentials). Its Token calls s.Token with
// context.Background(), as the interface has no context.
func (s *Source) TokenSource() oauth2.TokenSource {
	return tokenSource{s}
}

type tokenSource struct{ s *Source }

func (t tokenSource) Token() (*oauth2.Token, error) {
	return t.s.Token(context.Background())
}
