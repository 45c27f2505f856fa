package service

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/scram"
)

// openedVerifier is a key's SCRAM verifier and whether it was sealed with
// an older pepper.
type openedVerifier struct {
	scram.Verifier
	stale bool
}

// scramReread reads the key of a pending exchange again (scram.md 9.7
// step 2.4): deleted, reset, revoked or given to someone else since the
// client-first, the login fails with the reason returned.
func (s *Service) scramReread(ctx context.Context, p *scramPending) (*keyward.APIKey, *keyward.User, openedVerifier, string) {
	k, err := s.cfg.Keys.FindKey(ctx, p.x.KeyID)
	if err != nil {
		s.log.Error("find key", "key_id", p.x.KeyID, "error", err)
		return nil, nil, openedVerifier{}, scramInvalidKey
	}
	owner := s.scramOwner(k, p.x.Username)
	switch {
	case owner == nil || k.SecretGen != p.gen || k.SCRAM == "":
		return nil, nil, openedVerifier{}, scramInvalidKey
	case k.Revoked:
		return nil, nil, openedVerifier{}, scramRevoked
	}
	v, stale, err := s.openSCRAM(k)
	if err != nil {
		s.log.Error("open SCRAM verifier", "key_id", k.ID, "error", err)
		return nil, nil, openedVerifier{}, scramInvalidKey
	}
	return k, owner, openedVerifier{v, stale}, ""
}

// keyRef is the api_key of a failure record: the key the client-first
// named, if it exists.
func (p *scramPending) keyRef() any {
	if p == nil || p.key == nil {
		return nil
	}
	return map[string]any{"id": p.key.ID, "name": p.key.Name}
}

// scramFailed records a failed SCRAM step (scram.md 9.10): credentials
// SCRAM with the name of the client-first (nil when it had none) and the
// key it named, and the step's audit text.
func (s *Service) scramFailed(ctx context.Context, c *keyward.Caller, name, apiKey any, why string,
	resp keyward.LoginResponse) SCRAMAnswer {
	shown, _ := name.(string)
	s.login(ctx, c, credSCRAM, shown, map[string]any{"credentials": string(credSCRAM),
		"credentials_data": map[string]any{"username": name, "api_key": apiKey}}, why, resp)
	return SCRAMAnswer{Response: resp}
}

// resealSCRAM seals a verifier opened with an older pepper under the
// current one (scram.md 9.2), unless the key's verifier changed meanwhile.
// The write runs to its end under a context the client cannot cancel.
func (s *Service) resealSCRAM(ctx context.Context, k *keyward.APIKey, v scram.Verifier) {
	wctx := context.WithoutCancel(ctx)
	err := s.writeKeys(wctx, func(tx keyward.KeyTx) error {
		cur, err := tx.Find(wctx, k.ID)
		if err != nil || cur == nil || cur.SecretGen != k.SecretGen || cur.SCRAM != k.SCRAM {
			return err // changed meanwhile: keep what is there
		}
		up := *cur
		up.SCRAM = s.seal(k.ID, v)
		return tx.Update(wctx, &up)
	})
	if err != nil {
		s.log.Error("reseal SCRAM verifier", "key_id", k.ID, "error", err)
	}
}
