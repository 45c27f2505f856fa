package service

import (
	"context"
	"errors"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/scram"
)

// SCRAMBinder is the connection a SCRAM login runs on: a Binder that also
// keeps at most one pending exchange between the two steps (scram.md 9.7).
// The RPC layer's Conn implements it; the slot's content is the service's.
type SCRAMBinder interface {
	Binder
	// SwapPending puts v (nil: nothing) in the connection's pending-login
	// slot and returns what it held.
	SwapPending(v any) any
}

// ErrSCRAMNotInProgress answers a client-final with no exchange pending on
// the connection (none, used, expired or discarded): TrueNAS's text.
var ErrSCRAMNotInProgress = keyward.Errorf(keyward.EFAULT, "SCRAM authentication is not in progress")

// The audit texts of SCRAM failures decided here rather than by package
// scram (scram.md 9.7 steps 3, 4, 6 and 7).
const (
	scramInvalidKey  = "Invalid API key"
	scramRevoked     = "API key is revoked."
	scramNoVerifier  = "API key has no SCRAM credentials"
	scramExpired     = "Api key is expired."
	scramLocked      = "Account is locked."
	scramNoPrivilege = "Account has no privileges."
)

// credSCRAM names failed SCRAM attempts in records and metrics; a SCRAM
// login that succeeds opens an API_KEY session.
const credSCRAM = keyward.Credential(keyward.MechSCRAM)

// SCRAMAnswer is the outcome of a SCRAM step: Response is
// keyward.LoginSCRAM with RFC (the server-first or server-final) and, at
// the second step, Session; or AuthErr or Expired, to be answered after
// the failed-login delay.
type SCRAMAnswer struct {
	Response keyward.LoginResponse
	RFC      string
	Session  *keyward.Session
}

// scramPending is what a connection keeps between the two steps.
type scramPending struct {
	x *scram.Exchange
	// key is the key named by the client-first, nil when there is none;
	// with a real verifier, gen is its SecretGen then.
	key *keyward.APIKey
	gen int64
}

// DiscardSCRAM drops the connection's pending SCRAM exchange, if any: every
// auth.login_ex call does (scram.md 9.7).
func (s *Service) DiscardSCRAM(b SCRAMBinder) { b.SwapPending(nil) }

// SCRAMFirst answers a client-first (scram.md 9.7 step 1): the server-first
// of the key's own verifier, or of a stand-in for a key that may not log
// in (decided at step 2, so the answer tells nothing). Failures here are
// malformed messages and channel-binding faults. The server-first is not
// delayed and not audited.
func (s *Service) SCRAMFirst(ctx context.Context, c *keyward.Caller, b SCRAMBinder, rfc string) SCRAMAnswer {
	b.SwapPending(nil)
	cf, err := scram.ParseClientFirst(rfc)
	if err == nil {
		err = cf.CheckBinding(c.Origin.Binding != "")
	}
	if err != nil {
		var name any
		if errors.Is(err, scram.ErrNotAPIKey) {
			name = RecordedUsername(cf.Username)
		}
		return s.scramFailed(ctx, c, name, nil, err.Error(), AuthErr)
	}
	p := &scramPending{}
	v, standIn := s.scramVerifier(ctx, cf, p)
	p.x, err = scram.Begin(cf, c.Origin.ChannelBinding(), v, s.now())
	if err != nil {
		return s.scramFailed(ctx, c, RecordedUsername(cf.Username), p.keyRef(), err.Error(), AuthErr)
	}
	p.x.StandIn = standIn
	b.SwapPending(p)
	return SCRAMAnswer{Response: keyward.LoginSCRAM, RFC: p.x.ServerFirst()}
}

// scramVerifier selects the verifier that answers cf (scram.md 9.7 step
// 3): the key's own when the key exists, belongs to the named user, is not
// revoked and has one; otherwise a stand-in and the reason to give at step
// 2. It records the key read in p.
func (s *Service) scramVerifier(ctx context.Context, cf scram.ClientFirst, p *scramPending) (scram.Verifier, string) {
	k, err := s.cfg.Keys.FindKey(ctx, cf.KeyID)
	if err != nil {
		s.log.Error("find key", "key_id", cf.KeyID, "error", err)
	}
	p.key = k
	// Both answers cost the same work, the stand-in's HMAC and the opening
	// of a sealed verifier (a dummy one for a stand-in): the time of the
	// server-first, which is not delayed, must not tell which pairs of
	// name and key id are real.
	standIn := scram.StandIn(s.cfg.Verifier.Peppers.Current().Key, cf.Username, cf.KeyID, s.scramIterations())
	why := scramInvalidKey
	switch owner := s.scramOwner(k, cf.Username); {
	case owner == nil:
	case k.Revoked:
		why = scramRevoked
	case k.SCRAM == "":
		why = scramNoVerifier
	default:
		v, _, err := s.openSCRAM(k)
		if err == nil {
			p.gen = k.SecretGen
			return v, ""
		}
		s.log.Error("open SCRAM verifier", "key_id", k.ID, "error", err)
		return standIn, why
	}
	_, _, _ = scram.Open(0, s.dummySealed(), s.cfg.Verifier.Peppers)
	return standIn, why
}

// dummySealed is a sealed verifier of no key under the current pepper,
// opened for a stand-in server-first as a real one is opened for a real
// one.
func (s *Service) dummySealed() string {
	s.dummySealOnce.Do(func() {
		s.dummySeal = scram.Seal(0, scram.Verifier{Iterations: scram.MinIterations, Salt: make([]byte, scram.SaltLen),
			StoredKey: make([]byte, scram.KeyLen), ServerKey: make([]byte, scram.KeyLen)}, s.cfg.Verifier.Peppers.Current())
	})
	return s.dummySeal
}

// scramOwner returns the owner of k when it is the user named name
// exactly, else nil.
func (s *Service) scramOwner(k *keyward.APIKey, name string) *keyward.User {
	if k == nil {
		return nil
	}
	u := s.Accounts().User(k.UserID)
	if u == nil || u.Username != name {
		return nil
	}
	return u
}

// SCRAMFinal answers a client-final (scram.md 9.7 step 2). With no
// exchange pending it returns ErrSCRAMNotInProgress (not delayed, not
// audited); the pending exchange is used up either way. On success the
// session is installed on b exactly as an API_KEY_PLAIN login's.
func (s *Service) SCRAMFinal(ctx context.Context, c *keyward.Caller, b SCRAMBinder, rfc string) (SCRAMAnswer, error) {
	p, _ := b.SwapPending(nil).(*scramPending)
	if p == nil || p.x.Expired(s.now()) {
		return SCRAMAnswer{}, ErrSCRAMNotInProgress
	}
	name := RecordedUsername(p.x.Username)
	fail := func(why string, resp keyward.LoginResponse) (SCRAMAnswer, error) {
		return s.scramFailed(ctx, c, name, p.keyRef(), why, resp), nil
	}
	cf, err := scram.ParseClientFinal(rfc)
	if err == nil {
		err = p.x.CheckFinal(cf)
	}
	if err != nil {
		return fail(err.Error(), AuthErr)
	}
	if p.x.StandIn != "" {
		return fail(p.x.StandIn, AuthErr)
	}
	k, owner, v, why := s.scramReread(ctx, p)
	if why != "" {
		return fail(why, AuthErr)
	}
	serverFinal, err := p.x.Verify(cf, v.Verifier)
	if err != nil {
		return fail(err.Error(), AuthErr)
	}
	switch {
	case k.Expired(s.now()):
		return fail(scramExpired, Expired)
	case owner.Locked:
		return fail(scramLocked, AuthErr)
	case s.Roles(owner.ID).Empty():
		return fail(scramNoPrivilege, AuthErr)
	}
	if v.stale {
		s.resealSCRAM(ctx, k, v.Verifier)
	}
	return s.scramEstablish(ctx, c, b, owner, k, serverFinal, fail)
}

// scramEstablish opens the session of a verified SCRAM login, as an
// API_KEY_PLAIN login does, and answers with the server-final.
func (s *Service) scramEstablish(ctx context.Context, c *keyward.Caller, b Binder, owner *keyward.User,
	k *keyward.APIKey, serverFinal string, fail func(string, keyward.LoginResponse) (SCRAMAnswer, error)) (SCRAMAnswer, error) {
	sess := s.newSession(owner, keyward.CredAPIKey)
	sess.APIKeyID, sess.APIKeyName, sess.APIKeyGen = k.ID, k.Name, k.SecretGen
	sess.SCRAM = true
	refused := false
	sess, _ = s.establish(ctx, c, b, sess, func() (*keyward.Session, keyward.LoginResponse) {
		refused = true
		return nil, AuthErr
	})
	if refused {
		return fail(scramInvalidKey, AuthErr)
	}
	return SCRAMAnswer{Response: keyward.LoginSCRAM, RFC: serverFinal, Session: sess}, nil
}
