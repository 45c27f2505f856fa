package service

import (
	"context"
	"log/slog"

	"github.com/keyward/keyward"
)

// login finishes a login attempt: its audit record, its info line (no
// secret: the username, how and from where, and why it failed) and its
// count. Every attempt passes here exactly once.
func (s *Service) login(ctx context.Context, c *keyward.Caller, cred keyward.Credential, username string,
	creds map[string]any, errText string, resp keyward.LoginResponse) {
	s.auditLogin(ctx, c, username, creds, errText)
	mech := Mechanisms[cred]
	s.cfg.Observer.Login(mech, resp)
	attrs := []slog.Attr{slog.String("mechanism", string(mech)), slog.String("response_type", string(resp)),
		slog.String("username", username), slog.String("conn", c.ConnID), slog.String("address", c.Origin.IP())}
	if errText != "" {
		attrs = append(attrs, slog.String("reason", errText))
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "login", attrs...)
}
