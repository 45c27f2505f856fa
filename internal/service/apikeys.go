package service

import (
	"context"

	"github.com/keyward/keyward"
)

// KeyIDsByUser returns the ids of each user's API keys, ascending.
func (s *Service) KeyIDsByUser(ctx context.Context) (map[int64][]int64, error) {
	return map[int64][]int64{}, nil
}

// LoginAPIKey checks an API_KEY_PLAIN login.
func (s *Service) LoginAPIKey(ctx context.Context, c *keyward.Caller, username, raw string) (*keyward.Session, string) {
	s.auditLogin(ctx, c, username, map[string]any{"credentials": string(keyward.CredAPIKey),
		"credentials_data": map[string]any{"username": username, "api_key": nil}}, "Invalid API key")
	return nil, AuthErr
}

// LoginAPIKeyOnly checks an auth.login_with_api_key login.
func (s *Service) LoginAPIKeyOnly(ctx context.Context, c *keyward.Caller, raw string) (*keyward.Session, string) {
	return s.LoginAPIKey(ctx, c, "", raw)
}
