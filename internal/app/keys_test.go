package app

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/sqlite"
)

// staleChecks is a pepper store whose reads outside the write lock come
// too early: they miss what another node recorded meanwhile.
type staleChecks struct{ *sqlite.DB }

func (staleChecks) PepperChecks(context.Context) (map[string]string, error) {
	return map[string]string{}, nil
}

// TestCheckPeppersRace (attack finding: two nodes started together with
// different peppers both started): the check is made again under the
// write lock, against what the other node recorded after this one read.
func TestCheckPeppersRace(t *testing.T) {
	ctx := context.Background()
	mine, theirs := keys.Generate(), keys.Generate()
	sameID := keys.Pepper{ID: theirs.ID, Key: mine.Key}
	for name, ps := range map[string]keys.Peppers{"OtherID": {mine}, "SameIDOtherBytes": {sameID}} {
		t.Run(name, func(t *testing.T) {
			db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "keyward.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			// The other node recorded its pepper after this one read none.
			if err := db.RecordPepperChecks(ctx, map[string]string{theirs.ID: theirs.Check()}, keyward.FirstPepper); err != nil {
				t.Fatal(err)
			}
			for _, generated := range []bool{false, true} {
				if err := checkPeppers(ctx, staleChecks{db}, ps, generated); err == nil {
					t.Errorf("generated=%v: a node with another pepper started", generated)
				}
			}
			checks, _ := db.PepperChecks(ctx)
			if len(checks) != 1 || checks[theirs.ID] != theirs.Check() {
				t.Errorf("recorded checks: %v, want only the other node's", checks)
			}
		})
	}
}
