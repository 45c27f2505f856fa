package service

import (
	"context"
	"log/slog"
	"time"

	"github.com/keyward/keyward"
)

// Observer is told about logins and API-key verifications, for metrics.
// Its methods must be cheap and safe for concurrent use; labels are drawn
// from the constants below, never from what a client sent.
type Observer interface {
	// Login counts a login attempt by mechanism (PASSWORD_PLAIN,
	// API_KEY_PLAIN, TOKEN_PLAIN) and response type (SUCCESS, AUTH_ERR,
	// EXPIRED).
	Login(mechanism, responseType string)
	// KeyChecked counts one API-key secret check: every key login attempt
	// makes exactly one, real or dummy, so the count says nothing about
	// which keys exist.
	KeyChecked()
	// KeyCheckTime records how long the secret check of a key login that
	// succeeded took. Refused logins are never timed: the time would tell
	// an imported PBKDF2 hash from a dummy HMAC, and a check that matched
	// for a login refused later (owner locked) from a wrong secret.
	KeyCheckTime(d time.Duration)
}

// Mechanisms is each credential type's login mechanism.
var Mechanisms = map[keyward.Credential]string{
	keyward.CredPassword: "PASSWORD_PLAIN",
	keyward.CredAPIKey:   "API_KEY_PLAIN",
	keyward.CredToken:    "TOKEN_PLAIN",
}

// ResponseTypes are the login answers (accounts.md 10.2).
var ResponseTypes = []string{Success, AuthErr, Expired}

type nopObserver struct{}

func (nopObserver) Login(string, string)       {}
func (nopObserver) KeyChecked()                {}
func (nopObserver) KeyCheckTime(time.Duration) {}

// login finishes a login attempt: its audit record, its info line (no
// secret: the username, how and from where, and why it failed) and its
// count. Every attempt passes here exactly once.
func (s *Service) login(ctx context.Context, c *keyward.Caller, cred keyward.Credential, username string,
	creds map[string]any, errText, resp string) {
	s.auditLogin(ctx, c, username, creds, errText)
	mech := Mechanisms[cred]
	s.cfg.Observer.Login(mech, resp)
	attrs := []slog.Attr{slog.String("mechanism", mech), slog.String("response_type", resp),
		slog.String("username", username), slog.String("conn", c.ConnID), slog.String("address", c.Origin.IP())}
	if errText != "" {
		attrs = append(attrs, slog.String("reason", errText))
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "login", attrs...)
}

// verifyKey checks a key's secret against its hash, counts the check and
// returns how long it took. The caller records the time only if the login
// then succeeds (Observer.KeyCheckTime).
func (s *Service) verifyKey(ctx context.Context, hash, secret string) (match, rehash bool, took time.Duration) {
	start := time.Now()
	match, rehash = s.cfg.Verifier.Verify(ctx, hash, secret)
	took = time.Since(start)
	s.cfg.Observer.KeyChecked()
	return match, rehash, took
}

// dummyVerify computes the dummy HMAC of a refused key, counted like a
// real check.
func (s *Service) dummyVerify(text string) {
	s.cfg.Verifier.Dummy(text)
	s.cfg.Observer.KeyChecked()
}
