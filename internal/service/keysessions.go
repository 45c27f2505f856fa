package service

import (
	"context"
	"sync"
	"time"

	"github.com/keyward/keyward"
)

// keyCache holds the state of the keys that sessions were opened with, so
// the per-call session check needs no database round trip. Writes made
// here update it in commit order (Service.writeKeys); a change made by
// another process empties it.
//
// A revocation must win every race, so a value read from the store may
// enter the cache only if no write touched the cache while it was being
// read: every write moves epoch on, and fill stores a value only under the
// epoch it was read in. Otherwise a login or a call that read a key just
// before its deletion could put the old row back after the deletion
// removed it.
type keyCache struct {
	mu    sync.RWMutex
	m     map[int64]*keyward.APIKey // nil value: the key is gone
	epoch uint64
}

func (c *keyCache) get(id int64) (k *keyward.APIKey, epoch uint64, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	k, ok = c.m[id]
	return k, c.epoch, ok
}

// fill stores what the store said of key id (nil: gone) if no write
// happened since epoch, and reports whether it did.
func (c *keyCache) fill(id int64, k *keyward.APIKey, epoch uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return false
	}
	if k != nil {
		cp := *k
		k = &cp
	}
	c.m[id] = k
	return true
}

func (c *keyCache) put(k *keyward.APIKey) {
	cp := *k
	c.mu.Lock()
	c.m[k.ID] = &cp
	c.epoch++
	c.mu.Unlock()
}

func (c *keyCache) remove(id int64) {
	c.mu.Lock()
	c.m[id] = nil
	c.epoch++
	c.mu.Unlock()
}

func (c *keyCache) clear() {
	c.mu.Lock()
	clear(c.m)
	c.epoch++
	c.mu.Unlock()
}

// key returns the current state of key id, from the cache or the store.
func (s *Service) key(ctx context.Context, id int64) (*keyward.APIKey, error) {
	for {
		k, epoch, ok := s.keyCache.get(id)
		if ok {
			return k, nil
		}
		k, err := s.cfg.Keys.FindKey(ctx, id)
		if err != nil {
			return nil, err
		}
		if s.keyCache.fill(id, k, epoch) {
			return k, nil
		}
		// A write happened while reading: what was read may be older than
		// it. Look again; the write left its result in the cache.
	}
}

// writeKeys runs fn in a key write transaction and, once it committed,
// applies the change log up to it (the cache update, events and session
// ends of the change), so the writer answers after its node knows. The log
// is applied in commit order, so the cache never goes back to an older
// state.
func (s *Service) writeKeys(ctx context.Context, fn func(keyward.KeyTx) error) error {
	before := s.cfg.Log.LocalSeq()
	if err := s.cfg.Keys.UpdateKeys(ctx, fn); err != nil {
		_ = s.synced(ctx) // a failed commit may have committed: look either way
		return err
	}
	return s.wrote(ctx, before)
}

// keySessionValid reports whether the key a session (or the root of its
// token chain) logged in with still allows it: the key exists, was not
// reset or revoked since, and has not expired.
func (s *Service) keySessionValid(sess *keyward.Session) bool {
	return s.keySessionValidAt(sess, s.now())
}

// keySessionValidAt is keySessionValid at a given time; a key that cannot
// be read counts as not allowing the session.
func (s *Service) keySessionValidAt(sess *keyward.Session, now time.Time) bool {
	valid, err := s.keySessionCheck(sess, now)
	return valid && err == nil
}

// keySessionCheck is keySessionValidAt, telling apart a key that does not
// allow the session from one that could not be read (the store failed):
// a session is ended for the first only.
func (s *Service) keySessionCheck(sess *keyward.Session, now time.Time) (bool, error) {
	root := sess.Root()
	if root.Credential != keyward.CredAPIKey {
		return true, nil
	}
	k, err := s.key(context.Background(), root.APIKeyID)
	if err != nil {
		s.log.Warn("check key session", "key_id", root.APIKeyID, "error", err)
		return false, err
	}
	return k != nil && !k.Revoked && k.SecretGen == root.APIKeyGen && !k.Expired(now), nil
}

// keySessionEnds reports whether the key a session logged in with has
// been found not to allow it any more (not merely unreadable).
func (s *Service) keySessionEnds(sess *keyward.Session) bool {
	valid, err := s.keySessionCheck(sess, s.now())
	return !valid && err == nil
}

// endKeySessions ends the sessions (and token chains) opened with key id
// that it no longer allows, and the tokens they generated.
func (s *Service) endKeySessions(id int64) {
	invalid := func(sess *keyward.Session) bool {
		return sess.Root().Credential == keyward.CredAPIKey && sess.Root().APIKeyID == id && s.keySessionEnds(sess)
	}
	s.tokens.removeWhere(func(t *token) bool { return invalid(t.parent) })
	s.endSessions(invalid)
}

// reconcileKeys re-checks every key session after the key cache could not
// be kept exact (the node reloads everything). A session whose key cannot
// be read now stays: its next call checks again, and fails closed
// meanwhile.
func (s *Service) reconcileKeys() {
	s.keyCache.clear()
	invalid := s.keySessionEnds
	s.tokens.removeWhere(func(t *token) bool { return invalid(t.parent) })
	s.endSessions(invalid)
}
