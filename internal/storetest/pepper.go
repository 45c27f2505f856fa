package storetest

import (
	"errors"
	"maps"
	"testing"

	"github.com/keyward/keyward"
)

func testPepper(t *testing.T, open Opener) {
	t.Run("Usage", func(t *testing.T) { testPepperUsage(t, open(t)) })
	t.Run("Checks", func(t *testing.T) { testPepperChecks(t, open(t)) })
	t.Run("ErrRecordedFirst", func(t *testing.T) { testPepperFirst(t, open(t)) })
}

func testPepperUsage(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	if usage, err := s.PepperUsage(ctx); err != nil || len(usage) != 0 {
		t.Fatalf("PepperUsage of an empty database = %v, %v", usage, err)
	}
	u := createUser(t, s, "alice", 3000)
	createKey(t, s, newKey(u, "a", "p1"))
	createKey(t, s, newKey(u, "b", "p1"))
	createKey(t, s, newKey(u, "c", "p2"))
	sealed := newKey(u, "e", "p2")
	sealed.SCRAM = scramOf("p3") // counted apart: a verifier may be sealed under another pepper
	createKey(t, s, sealed)
	imported := newKey(u, "d", "")
	imported.Hash = "$pbkdf2-sha256$29000$c2FsdA$aGFzaA"
	createKey(t, s, imported)
	usage, err := s.PepperUsage(ctx)
	must(t, err)
	if want := map[string]int64{"p1": 2, "p2": 2, "p3": 1, "": 1}; !maps.Equal(usage, want) {
		t.Errorf("PepperUsage = %v, want %v", usage, want)
	}
}

func testPepperChecks(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	must(t, s.RecordPepperChecks(ctx, map[string]string{"p1": "c1"}, nil))
	must(t, s.RecordPepperChecks(ctx, map[string]string{"p1": "other", "p2": "c2"}, nil))
	checks, err := s.PepperChecks(ctx)
	must(t, err)
	if want := map[string]string{"p1": "c1", "p2": "c2"}; !maps.Equal(checks, want) {
		t.Errorf("PepperChecks = %v, want %v (a recorded value is never replaced)", checks, want)
	}
}

func testPepperFirst(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	must(t, s.RecordPepperChecks(ctx, map[string]string{"p1": "c1"}, keyward.FirstPepper))
	err := s.RecordPepperChecks(ctx, map[string]string{"p2": "c2"}, keyward.FirstPepper)
	if !errors.Is(err, keyward.ErrPepperRecorded) {
		t.Fatalf("a second first pepper: %v, want ErrPepperRecorded", err)
	}
	if checks, _ := s.PepperChecks(ctx); !maps.Equal(checks, map[string]string{"p1": "c1"}) {
		t.Errorf("PepperChecks = %v, want only the first", checks)
	}
}
