package postgres_test

import (
	"context"
	"testing"

	"github.com/keyward/keyward/internal/pgtest"
)

// TestExclusively: while one handle (node) runs a job, another does not
// run it; once it is done, or its connection is gone, the next one does.
func TestExclusively(t *testing.T) {
	url := pgtest.Fresh(t)
	a, b := MustOpen(t, url), MustOpen(t, url)
	ctx := context.Background()
	inside := func(context.Context) error {
		ran, err := b.Exclusively(ctx, "prune", func(context.Context) error { return nil })
		if err != nil || ran {
			t.Errorf("the job ran on b while a ran it: %v, %v", ran, err)
		}
		if ran, err := b.Exclusively(ctx, "other", func(context.Context) error { return nil }); err != nil || !ran {
			t.Errorf("another job did not run on b: %v, %v", ran, err)
		}
		return nil
	}
	if ran, err := a.Exclusively(ctx, "prune", inside); err != nil || !ran {
		t.Fatalf("the job on a: %v, %v", ran, err)
	}
	if ran, err := b.Exclusively(ctx, "prune", func(context.Context) error { return nil }); err != nil || !ran {
		t.Fatalf("the job on b once a was done: %v, %v", ran, err)
	}
}
