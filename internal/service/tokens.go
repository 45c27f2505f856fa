package service

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"

	"github.com/keyward/keyward"
)

// token is an auth.generate_token token. Tokens live in memory only.
type token struct {
	parent      *keyward.Session // the generating session
	parentConn  string           // the generating connection
	ttl         time.Duration
	lastUsed    time.Time
	matchOrigin bool
	origin      keyward.Origin
	singleUse   bool
	attrs       bool // non-empty attrs: never logs in
	// epoch is the user's TokenEpoch when the token was made.
	epoch int64
}

// tokenStore holds tokens by the SHA-256 digest of their text, so the
// raw token is kept nowhere and looking one up compares digests, whose
// values an attacker cannot steer, instead of the secrets themselves.
type tokenStore struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[[sha256.Size]byte]*token
}

func newTokenStore(now func() time.Time) *tokenStore {
	return &tokenStore{now: now, m: map[[sha256.Size]byte]*token{}}
}

// tokenDigest is the key a token is stored under.
func tokenDigest(text string) [sha256.Size]byte { return sha256.Sum256([]byte(text)) }

// newToken returns 48 random bytes as unpadded URL-safe base64 (64 characters).
func newToken() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (ts *tokenStore) add(t *token) string {
	text := newToken()
	t.lastUsed = ts.now()
	ts.mu.Lock()
	ts.m[tokenDigest(text)] = t
	ts.mu.Unlock()
	return text
}

// take returns the token if it exists and is within its idle TTL; a
// single-use token is removed by taking it. An expired token is removed.
func (ts *tokenStore) take(id [sha256.Size]byte, consume bool) *token {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := ts.m[id]
	if t == nil {
		return nil
	}
	now := ts.now()
	if !now.Before(t.lastUsed.Add(t.ttl)) {
		delete(ts.m, id)
		return nil
	}
	if consume && t.singleUse {
		delete(ts.m, id)
	}
	return t
}

// touch refreshes the idle TTL of a token, if it still exists.
func (ts *tokenStore) touch(id [sha256.Size]byte) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if t := ts.m[id]; t != nil {
		t.lastUsed = ts.now()
	}
}

// removeWhere destroys every token for which match is true.
func (ts *tokenStore) removeWhere(match func(*token) bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for k, t := range ts.m {
		if match(t) {
			delete(ts.m, k)
		}
	}
}
