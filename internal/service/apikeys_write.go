package service

import (
	"context"
	"strings"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/scram"
)

// UpdateKey runs api_key.update. It returns the key before and after; when
// it was reset, after has the new raw key and SCRAM credential (a reset
// makes a new keyed hash and a new SCRAM verifier, scram.md 9.4).
func (s *Service) UpdateKey(ctx context.Context, id int64, in KeyUpdate) (before *keyward.APIKey, after *Issued, err error) {
	c := keyward.CallerFrom(ctx)
	now := s.now()
	in.Name.Value = strings.TrimSpace(in.Name.Value)
	var secret string
	var verifier scram.Verifier
	var cred *SCRAMCredential
	if in.Reset {
		secret = keys.NewSecret()
		if verifier, cred, err = s.deriveSCRAM(ctx, secret, nil, 0); err != nil {
			return nil, nil, err
		}
	}
	var updated *keyward.APIKey
	err = s.writeKeys(ctx, func(tx keyward.KeyTx) error {
		old, owner, err := s.manageable(ctx, tx, c, id)
		if err != nil {
			return err
		}
		v := &keyward.ValidationError{}
		if in.Name.Set {
			if err := checkName(ctx, tx, v, "api_key_update", in.Name.Value, id); err != nil {
				return err
			}
		}
		if in.ExpiresAt.Set {
			checkExpiry(v, "api_key_update", in.ExpiresAt.Value, now)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.checkEscalation(c, owner); err != nil {
			return err
		}
		k := *old
		if in.Name.Set {
			k.Name = in.Name.Value
		}
		if in.ExpiresAt.Set {
			k.ExpiresAt = truncated(in.ExpiresAt.Value)
		}
		if in.Reset {
			k.Hash = keys.Hash(s.cfg.Verifier.Peppers.Current(), secret)
			k.SCRAM = s.seal(id, verifier)
			k.Revoked, k.RevokedReason, k.RevokedAt, k.SecretGen = false, "", time.Time{}, old.SecretGen+1
			if err := tx.ClearInsecureUse(ctx, id); err != nil {
				return err
			}
		}
		before, updated = old, &k
		return tx.Update(ctx, &k)
	})
	if err != nil {
		return nil, nil, err
	}
	after = &Issued{Key: updated}
	if in.Reset {
		cred.KeyID = id
		after.Raw, after.SCRAM = keys.Format(id, secret), cred
	}
	return before, after, nil
}

// DeleteKey runs api_key.delete and returns the deleted key.
func (s *Service) DeleteKey(ctx context.Context, id int64) (*keyward.APIKey, error) {
	c := keyward.CallerFrom(ctx)
	var deleted *keyward.APIKey
	err := s.writeKeys(ctx, func(tx keyward.KeyTx) error {
		k, owner, err := s.manageable(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := s.checkEscalation(c, owner); err != nil {
			return err
		}
		deleted = k
		return tx.Delete(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	return deleted, nil
}

// manageable finds a key for update or delete and applies the ownership
// rule to its owner.
func (s *Service) manageable(ctx context.Context, tx keyward.KeyTx, c *keyward.Caller, id int64) (*keyward.APIKey, *keyward.User, error) {
	k, err := tx.Find(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if k == nil {
		return nil, nil, keyward.NotFound("ApiKey", id)
	}
	owner := s.Accounts().User(k.UserID)
	if owner == nil {
		return nil, nil, errKeyOwner(id)
	}
	if err := checkOwnership(c, owner); err != nil {
		return nil, nil, err
	}
	return k, owner, nil
}

// keyChanged records a committed change: the cached state sessions are
// checked against, the event, and the end of sessions the change ends.
func (s *Service) keyChanged(k *keyward.APIKey, msg keyward.EventMsg) {
	s.keyCache.put(k)
	s.publishKey(k, msg)
	s.endKeySessions(k.ID)
}

// keyRemoved records a deleted key.
func (s *Service) keyRemoved(id int64) {
	s.keyCache.remove(id)
	s.publish(keyward.Event{Collection: keyward.CollectionAPIKeys, Msg: keyward.EventRemoved, ID: id})
	s.endKeySessions(id)
}

// publishKey sends an added or changed event with a copy of the key; the
// API layer renders it for each subscriber as api_key.get_instance would,
// never with a raw key.
func (s *Service) publishKey(k *keyward.APIKey, msg keyward.EventMsg) {
	cp := *k
	s.publish(keyward.Event{Collection: keyward.CollectionAPIKeys, Msg: msg, ID: k.ID, Entity: &cp})
}

func (s *Service) publish(e keyward.Event) {
	if p, ok := s.events.Load().(keyward.Publisher); ok {
		p.Publish(e)
	}
}
