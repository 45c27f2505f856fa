package service

import (
	"testing"
	"time"

	"github.com/keyward/keyward"
)

// TestTokenStoreSweep checks that sweep drops exactly the tokens past their
// idle TTL and keeps the per-session counts right.
func TestTokenStoreSweep(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := newTokenStore(func() time.Time { return now })
	a, b := &keyward.Session{}, &keyward.Session{}
	_, short := ts.add(&token{parent: a, ttl: time.Minute})
	_, touched := ts.add(&token{parent: a, ttl: time.Minute})
	_, long := ts.add(&token{parent: b, ttl: time.Hour})
	now = now.Add(30 * time.Second)
	ts.touch(touched)
	now = now.Add(45 * time.Second) // short is 75 s idle, touched 45 s
	ts.sweep()
	if _, ok := ts.m[short]; ok || len(ts.m) != 2 || ts.byParent[a] != 1 || ts.byParent[b] != 1 {
		t.Fatalf("after sweep: %d tokens, per session %v", len(ts.m), ts.byParent)
	}
	now = now.Add(time.Hour)
	ts.sweep()
	if len(ts.m) != 0 || len(ts.byParent) != 0 || ts.take(long, false) != nil {
		t.Fatalf("after the last sweep: %d tokens, per session %v", len(ts.m), ts.byParent)
	}
}

// TestTokenStoreCap checks that a session holds at most
// MaxTokensPerSession tokens, losing its oldest, and that other sessions'
// tokens are not counted against it.
func TestTokenStoreCap(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := newTokenStore(func() time.Time { return now })
	a, b := &keyward.Session{}, &keyward.Session{}
	_, other := ts.add(&token{parent: b, ttl: time.Hour})
	var ids [][32]byte
	for range MaxTokensPerSession + 2 {
		_, id := ts.add(&token{parent: a, ttl: time.Hour})
		ids = append(ids, id)
	}
	if ts.byParent[a] != MaxTokensPerSession || ts.take(ids[0], false) != nil || ts.take(ids[1], false) != nil ||
		ts.take(ids[2], false) == nil || ts.take(other, false) == nil {
		t.Fatalf("session a holds %d tokens; want the %d newest", ts.byParent[a], MaxTokensPerSession)
	}
}
