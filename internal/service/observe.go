package service

import (
	"time"

	"github.com/keyward/keyward"
)

// Observer is told about logins and API-key verifications, for metrics.
// Its methods must be cheap and safe for concurrent use; labels are drawn
// from the constants below, never from what a client sent.
type Observer interface {
	// Login counts a login attempt by mechanism and response type.
	Login(mechanism keyward.Mechanism, responseType keyward.LoginResponse)
	// KeyChecked counts one API-key secret check: every key login attempt
	// makes exactly one, real or dummy, so the count says nothing about
	// which keys exist.
	KeyChecked()
	// KeyCheckTime records how long the secret check of a key login that
	// succeeded took. Refused logins are never timed: the time would tell
	// an imported PBKDF2 hash from a dummy HMAC, and a check that matched
	// for a login refused later (owner locked) from a wrong secret.
	KeyCheckTime(d time.Duration)
	// ChangesApplied counts changes of the change log applied here.
	ChangesApplied(n int)
	// FeedReconnect counts times the change log listener reconnected.
	FeedReconnect()
}

// Mechanisms is each credential type's login mechanism.
var Mechanisms = map[keyward.Credential]keyward.Mechanism{
	keyward.CredPassword: keyward.MechPasswordPlain,
	keyward.CredAPIKey:   keyward.MechAPIKeyPlain,
	keyward.CredToken:    keyward.MechTokenPlain,
	// Failed SCRAM steps; a SCRAM login that succeeds counts as the
	// API_KEY session it opens.
	credSCRAM: keyward.MechSCRAM,
}

// ResponseTypes are the login answers (accounts.md 10.2).
var ResponseTypes = []keyward.LoginResponse{Success, AuthErr, Expired, Denied}

type nopObserver struct{}

func (nopObserver) Login(keyward.Mechanism, keyward.LoginResponse) {}
func (nopObserver) KeyChecked()                                    {}
func (nopObserver) KeyCheckTime(time.Duration)                     {}
func (nopObserver) ChangesApplied(int)                             {}
func (nopObserver) FeedReconnect()                                 {}
