package service

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"

	"github.com/keyward/keyward"
)

// MaxTokensPerSession bounds the live tokens one session has made: making
// another removes its oldest. The web UI keeps one at a time.
const MaxTokensPerSession = 64

// token is an auth.generate_token token. Tokens live in memory only.
type token struct {
	parent      *keyward.Session // the generating session
	parentConn  string           // the generating connection
	ttl         time.Duration
	lastUsed    time.Time
	seq         uint64 // order of making, oldest lowest
	matchOrigin bool
	origin      keyward.Origin
	singleUse   bool
	attrs       bool // non-empty attrs: never logs in
	// epoch is the user's TokenEpoch the token was made in.
	epoch int64
	// shared marks a token read from a cluster's token table: made on
	// another node, its parent a stand-in (clustertokens.go).
	shared bool
}

// tokenStore holds tokens by the SHA-256 digest of their text, so the
// raw token is kept nowhere and looking one up compares digests, whose
// values an attacker cannot steer, instead of the secrets themselves.
type tokenStore struct {
	now      func() time.Time
	mu       sync.Mutex
	m        map[[sha256.Size]byte]*token
	byParent map[*keyward.Session]int // live tokens per generating session
	seq      uint64
	// gone, if set, is told of the tokens removed (outside mu): a cluster's
	// token table forgets them too.
	gone    func(ids [][sha256.Size]byte)
	pending [][sha256.Size]byte // removed under mu, not told yet
}

// tell tells gone of the tokens removed since the last call. Methods that
// remove defer it before taking mu, so it runs after mu is released.
func (ts *tokenStore) tell() {
	ts.mu.Lock()
	ids := ts.pending
	ts.pending = nil
	ts.mu.Unlock()
	if len(ids) > 0 && ts.gone != nil {
		ts.gone(ids)
	}
}

func newTokenStore(now func() time.Time) *tokenStore {
	return &tokenStore{now: now, m: map[[sha256.Size]byte]*token{}, byParent: map[*keyward.Session]int{}}
}

// tokenDigest is the key a token is stored under.
func tokenDigest(text string) [sha256.Size]byte { return sha256.Sum256([]byte(text)) }

// newToken returns 48 random bytes as unpadded URL-safe base64 (64 characters).
func newToken() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// add stores t and returns its text and digest; a session's oldest token
// goes when it would hold more than MaxTokensPerSession.
func (ts *tokenStore) add(t *token) (string, [sha256.Size]byte) {
	text := newToken()
	id := tokenDigest(text)
	t.lastUsed = ts.now()
	defer ts.tell()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.seq++
	t.seq = ts.seq
	if ts.byParent[t.parent] >= MaxTokensPerSession {
		ts.dropOldest(t.parent)
	}
	ts.m[id] = t
	ts.byParent[t.parent]++
	return text, id
}

func (ts *tokenStore) dropOldest(parent *keyward.Session) {
	var oldest [sha256.Size]byte
	var seq uint64
	for k, t := range ts.m {
		if t.parent == parent && (seq == 0 || t.seq < seq) {
			oldest, seq = k, t.seq
		}
	}
	if seq != 0 {
		ts.delete(oldest)
	}
}

// delete removes a token; the caller holds mu.
func (ts *tokenStore) delete(id [sha256.Size]byte) {
	t := ts.m[id]
	if t == nil {
		return
	}
	delete(ts.m, id)
	if ts.gone != nil {
		ts.pending = append(ts.pending, id)
	}
	if ts.byParent[t.parent]--; ts.byParent[t.parent] <= 0 {
		delete(ts.byParent, t.parent)
	}
}

// remove destroys one token and reports whether it was here.
func (ts *tokenStore) remove(id [sha256.Size]byte) bool {
	defer ts.tell()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	_, ok := ts.m[id]
	ts.delete(id)
	return ok
}

// take returns the token if it exists and is within its idle TTL; a
// single-use token is removed by taking it. An expired token is removed.
func (ts *tokenStore) take(id [sha256.Size]byte, consume bool) *token {
	defer ts.tell()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := ts.m[id]
	if t == nil {
		return nil
	}
	if !ts.now().Before(t.lastUsed.Add(t.ttl)) {
		ts.delete(id)
		return nil
	}
	if consume && t.singleUse {
		ts.delete(id)
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
	defer ts.tell()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for k, t := range ts.m {
		if match(t) {
			ts.delete(k)
		}
	}
}

// sweep destroys the tokens past their idle TTL, which nobody may ever
// present again.
func (ts *tokenStore) sweep() {
	now := ts.now()
	ts.removeWhere(func(t *token) bool { return !now.Before(t.lastUsed.Add(t.ttl)) })
}
