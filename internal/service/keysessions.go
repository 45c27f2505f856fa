package service

import (
	"context"
	"sync"
	"time"

	"github.com/keyward/keyward"
)

// keyCache holds the state of the keys that sessions were opened with, so
// the per-call session check needs no database round trip. It is updated
// by every change made here and emptied when another process changes keys.
type keyCache struct {
	mu sync.RWMutex
	m  map[int64]*keyward.APIKey // nil value: the key is gone
}

func (c *keyCache) get(id int64) (k *keyward.APIKey, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	k, ok = c.m[id]
	return k, ok
}

func (c *keyCache) put(k *keyward.APIKey) {
	cp := *k
	c.mu.Lock()
	c.m[k.ID] = &cp
	c.mu.Unlock()
}

func (c *keyCache) remove(id int64) {
	c.mu.Lock()
	c.m[id] = nil
	c.mu.Unlock()
}

func (c *keyCache) clear() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

// key returns the current state of key id, from the cache or the store.
func (s *Service) key(ctx context.Context, id int64) (*keyward.APIKey, error) {
	if k, ok := s.keyCache.get(id); ok {
		return k, nil
	}
	k, err := s.cfg.Keys.FindKey(ctx, id)
	if err != nil {
		return nil, err
	}
	if k == nil {
		s.keyCache.remove(id)
	} else {
		s.keyCache.put(k)
	}
	return k, nil
}

// keySessionValid reports whether the key a session (or the root of its
// token chain) logged in with still allows it: the key exists, was not
// reset or revoked since, and has not expired.
func (s *Service) keySessionValid(sess *keyward.Session) bool {
	return s.keySessionValidAt(sess, s.now())
}

// keySessionValidAt is keySessionValid at a given time.
func (s *Service) keySessionValidAt(sess *keyward.Session, now time.Time) bool {
	root := sess.Root()
	if root.Credential != keyward.CredAPIKey {
		return true
	}
	k, err := s.key(context.Background(), root.APIKeyID)
	if err != nil {
		s.log.Error("check key session", "key_id", root.APIKeyID, "error", err)
		return false
	}
	return k != nil && !k.Revoked && k.SecretGen == root.APIKeyGen && !k.Expired(now)
}

// endKeySessions ends the sessions (and token chains) opened with key id
// that it no longer allows, and the tokens they generated.
func (s *Service) endKeySessions(id int64) {
	invalid := func(sess *keyward.Session) bool {
		return sess.Root().Credential == keyward.CredAPIKey && sess.Root().APIKeyID == id && !s.keySessionValid(sess)
	}
	s.tokens.removeWhere(func(t *token) bool { return invalid(t.parent) })
	s.endSessions(invalid)
}

// reconcileKeys re-checks every key session after another process changed
// keys.
func (s *Service) reconcileKeys() {
	s.keyCache.clear()
	invalid := func(sess *keyward.Session) bool { return !s.keySessionValid(sess) }
	s.tokens.removeWhere(func(t *token) bool { return invalid(t.parent) })
	s.endSessions(invalid)
}
