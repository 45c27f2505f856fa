package service

import (
	"time"

	"github.com/keyward/keyward"
)

// ReconnectTTL is the idle lifetime of a reconnect token: TrueNAS's
// default token lifetime. TrueNAS uses the user's web UI session lifetime
// preference when it is at least 60 s; Keyward keeps no such preference.
const ReconnectTTL = 600 * time.Second

// ReconnectToken makes the reconnect token of auth.login_ex's
// login_options.reconnect_token (v26.0.0, versions.md 2.5) for the
// session c has just logged in: single use, usable from the same client
// address only, with no attrs, living ReconnectTTL but never longer than
// session_max_age. It is one of the session's tokens: logging out or
// terminating the session destroys it, a dropped connection does not.
func (s *Service) ReconnectToken(c *keyward.Caller) (string, error) {
	ttl := ReconnectTTL
	if m := s.cfg.SessionMaxAge; m > 0 && m < ttl {
		ttl = max(m, time.Second)
	}
	return s.GenerateToken(c, TokenOptions{TTL: ttl, MatchOrigin: true, SingleUse: true})
}
