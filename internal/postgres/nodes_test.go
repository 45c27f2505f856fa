package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/pgtest"
)

func TestNodes(t *testing.T) {
	url := pgtest.Fresh(t)
	a, b := MustOpen(t, url), MustOpen(t, url)
	ctx := context.Background()
	if err := a.JoinNode(ctx, "n1", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := b.JoinNode(ctx, "n1", time.Minute); !errors.Is(err, keyward.ErrNodeNameTaken) {
		t.Fatalf("a second live n1: %v, want ErrNodeNameTaken", err)
	}
	if err := b.JoinNode(ctx, "n2", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := b.Heartbeat(ctx, "n2", 7); err != nil {
		t.Fatal(err)
	}
	for seq, want := range map[int64]int{7: 0, 8: 1} {
		if n, err := a.NodesBehind(ctx, "n1", seq, time.Minute); err != nil || n != want {
			t.Errorf("NodesBehind(n1, %d) = %d, %v; want %d", seq, n, err, want)
		}
	}
	time.Sleep(20 * time.Millisecond)
	if n, err := a.NodesBehind(ctx, "n1", 8, 10*time.Millisecond); err != nil || n != 0 {
		t.Errorf("a stale node counted behind: %d, %v", n, err)
	}
	if err := b.JoinNode(ctx, "n1", 10*time.Millisecond); err != nil {
		t.Errorf("taking over a stale n1: %v", err)
	}
	if err := b.LeaveNode(ctx, "n2"); err != nil {
		t.Fatal(err)
	}
	if n, _ := a.NodesBehind(ctx, "n1", 100, time.Minute); n != 0 {
		t.Errorf("a node that left counted: %d", n)
	}
}
