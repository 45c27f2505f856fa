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
	// KeyVerified records one API-key secret check and how long it took.
	KeyVerified(result string, d time.Duration)
}

// Results of a key verification.
const (
	// KeyMatch: the secret matched the stored hash.
	KeyMatch = "match"
	// KeyMismatch: the secret did not match.
	KeyMismatch = "mismatch"
	// KeyDummy: the key was refused before its secret could be checked
	// (malformed, unknown, another user's, revoked); a dummy HMAC was
	// computed so the timing does not tell.
	KeyDummy = "dummy"
)

// Mechanisms is each credential type's login mechanism.
var Mechanisms = map[keyward.Credential]string{
	keyward.CredPassword: "PASSWORD_PLAIN",
	keyward.CredAPIKey:   "API_KEY_PLAIN",
	keyward.CredToken:    "TOKEN_PLAIN",
}

// ResponseTypes are the login answers (accounts.md 10.2).
var ResponseTypes = []string{Success, AuthErr, Expired}

type nopObserver struct{}

func (nopObserver) Login(string, string)              {}
func (nopObserver) KeyVerified(string, time.Duration) {}

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

// verifyKey checks a key's secret against its hash, timed and counted.
func (s *Service) verifyKey(ctx context.Context, hash, secret string) (match, rehash bool) {
	start := time.Now()
	match, rehash = s.cfg.Verifier.Verify(ctx, hash, secret)
	result := KeyMismatch
	if match {
		result = KeyMatch
	}
	s.cfg.Observer.KeyVerified(result, time.Since(start))
	return match, rehash
}

// dummyVerify computes the dummy HMAC of a refused key, timed and counted.
func (s *Service) dummyVerify(text string) {
	start := time.Now()
	s.cfg.Verifier.Dummy(text)
	s.cfg.Observer.KeyVerified(KeyDummy, time.Since(start))
}
