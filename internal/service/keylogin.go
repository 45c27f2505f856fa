package service

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
)

// keyAttempt is one API-key login being checked.
type keyAttempt struct {
	c        *keyward.Caller
	username any // as recorded (RecordedUsername); nil for auth.login_with_api_key without a key
	key      *keyward.APIKey
}

func (a *keyAttempt) creds(apiKey any) map[string]any {
	return map[string]any{"credentials": string(keyward.CredAPIKey),
		"credentials_data": map[string]any{"username": a.username, "api_key": apiKey}}
}

func (a *keyAttempt) keyRef() any {
	if a.key == nil {
		return nil
	}
	return map[string]any{"id": a.key.ID, "name": a.key.Name}
}

func (s *Service) keyFailed(ctx context.Context, a *keyAttempt, apiKey any, errText string, resp keyward.LoginResponse) (*keyward.Session, keyward.LoginResponse) {
	name, _ := a.username.(string)
	s.login(ctx, a.c, keyward.CredAPIKey, name, a.creds(apiKey), errText, resp)
	return nil, resp
}

// LoginAPIKey checks an API_KEY_PLAIN login by the steps of api-keys.md
// 11.1; the first failure decides. Refusals before the secret is checked
// compute a dummy HMAC so timing does not tell the steps apart.
func (s *Service) LoginAPIKey(ctx context.Context, c *keyward.Caller, b Binder, username, raw string) (*keyward.Session, keyward.LoginResponse) {
	a := &keyAttempt{c: c, username: RecordedUsername(username)}
	id, secret, ok := keys.Parse(raw)
	if !ok {
		s.dummyVerify(raw)
		return s.keyFailed(ctx, a, nil, "Invalid API key", AuthErr)
	}
	k, err := s.cfg.Keys.FindKey(ctx, id)
	if err != nil {
		s.log.Error("find key", "key_id", id, "error", err)
		return s.keyFailed(ctx, a, nil, "Invalid API key", AuthErr)
	}
	return s.checkKey(ctx, a, b, s.Accounts().UserByName(username), k, secret)
}

// LoginAPIKeyOnly checks auth.login_with_api_key: the key's owner is read
// from the key named by the id before the first '-'. Known and unknown ids
// cost the same: one key lookup and one HMAC.
func (s *Service) LoginAPIKeyOnly(ctx context.Context, c *keyward.Caller, b Binder, raw string) (*keyward.Session, keyward.LoginResponse) {
	var k *keyward.APIKey
	if id, ok := keys.ParseID(raw); ok {
		var err error
		if k, err = s.cfg.Keys.FindKey(ctx, id); err != nil {
			s.log.Error("find key", "key_id", id, "error", err)
		}
	}
	var owner *keyward.User
	if k != nil {
		owner = s.Accounts().User(k.UserID)
	}
	if owner == nil {
		s.dummyVerify(raw)
		return s.keyFailed(ctx, &keyAttempt{c: c}, keys.Redact(raw), "Invalid API key", AuthErr)
	}
	a := &keyAttempt{c: c, username: owner.Username}
	if _, secret, ok := keys.Parse(raw); ok {
		return s.checkKey(ctx, a, b, owner, k, secret)
	}
	s.dummyVerify(raw)
	return s.keyFailed(ctx, a, nil, "Invalid API key", AuthErr)
}

// checkKey goes on with a key login once the key k (nil: none) named by
// the presented id was read: it belongs to owner (nil: no such user), is
// not revoked, its secret matches, it has not expired, the transport is
// secure and the owner may log in.
func (s *Service) checkKey(ctx context.Context, a *keyAttempt, b Binder, owner *keyward.User, k *keyward.APIKey, secret string) (*keyward.Session, keyward.LoginResponse) {
	a.key = k
	if k == nil || owner == nil || k.UserID != owner.ID {
		s.dummyVerify(secret)
		return s.keyFailed(ctx, a, a.keyRef(), "Invalid API key", AuthErr)
	}
	if k.Revoked {
		s.dummyVerify(secret)
		return s.keyFailed(ctx, a, a.keyRef(), "API key is revoked.", AuthErr)
	}
	match, rehash, took := s.verifyKey(ctx, k, secret)
	if !match {
		return s.keyFailed(ctx, a, a.keyRef(), "Invalid API key", AuthErr)
	}
	if k.Expired(s.now()) {
		return s.keyFailed(ctx, a, a.keyRef(), "Api key is expired.", Expired)
	}
	if !a.c.Origin.Secure {
		return s.insecureUse(ctx, a)
	}
	if owner.Locked {
		return s.keyFailed(ctx, a, a.keyRef(), "Account is locked.", AuthErr)
	}
	if s.Roles(owner.ID).Empty() {
		return s.keyFailed(ctx, a, a.keyRef(), "Account has no privileges.", deniedAnswer(a.c))
	}
	if rehash || s.scramOutdated(k) {
		k = s.upgradeKey(ctx, k, secret, rehash)
	}
	sess := s.newSession(owner, keyward.CredAPIKey)
	sess.APIKeyID, sess.APIKeyName, sess.APIKeyGen = k.ID, k.Name, k.SecretGen
	// The key row was read before the secret was checked; whether it still
	// allows the session is asked of the cache, which every key write of
	// this process updates, in establish.
	sess, resp := s.establish(ctx, a.c, b, sess, func() (*keyward.Session, keyward.LoginResponse) {
		return s.keyFailed(ctx, a, a.keyRef(), "Invalid API key", AuthErr)
	})
	if resp == Success {
		s.cfg.Observer.KeyCheckTime(took)
	}
	return sess, resp
}

// insecureUse applies the insecure-transport rule to a correct secret of a
// current key (api-keys.md 12): revoke it, or under "reject" refuse it and
// raise an alert. Either way the answer is EXPIRED.
//
// The key was read before its secret was checked. The revocation is
// applied to the row as it is when it is written, so a change committed
// meanwhile (a rename, a new expiry) is kept; if the key was reset or
// deleted meanwhile, the secret presented is no longer its secret, and the
// login is refused as one coming after that change would be.
//
// The write runs to its end under a context the client cannot cancel: a
// client that disconnects mid-login must not save its key from revocation.
func (s *Service) insecureUse(ctx context.Context, a *keyAttempt) (*keyward.Session, keyward.LoginResponse) {
	id, gen := a.key.ID, a.key.SecretGen
	now := s.now().UTC()
	wctx := context.WithoutCancel(ctx)
	if s.cfg.InsecureKeyPolicy == "reject" {
		err := s.writeKeys(wctx, func(tx keyward.KeyTx) error {
			return tx.RecordInsecureUse(wctx, id, a.c.Origin.IP(), now)
		})
		if err != nil {
			s.log.Error("insecure key use", "key_id", id, "error", err)
		}
		return s.keyFailed(ctx, a, a.keyRef(), "API key rejected due to insecure transport.", Expired)
	}
	var k *keyward.APIKey
	stale := false
	err := s.writeKeys(wctx, func(tx keyward.KeyTx) error {
		cur, err := tx.Find(wctx, id)
		if err != nil || cur == nil || cur.SecretGen != gen || cur.Revoked {
			stale = err == nil && (cur == nil || cur.SecretGen != gen)
			return err
		}
		cur.Revoked, cur.RevokedReason, cur.RevokedAt = true, keyward.ReasonInsecureTransport, now
		k = cur
		return tx.Update(wctx, k)
	})
	if err != nil {
		s.log.Error("insecure key use", "key_id", id, "error", err)
	}
	if stale {
		return s.keyFailed(ctx, a, a.keyRef(), "Invalid API key", AuthErr)
	}
	s.log.Warn("API key revoked: used over an insecure transport", "key_id", id, "address", a.c.Origin.IP())
	return s.keyFailed(ctx, a, a.keyRef(), "API key revoked due to insecure transport.", Expired)
}
