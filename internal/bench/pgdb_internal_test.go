package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward/internal/pgtest"
)

// TestFreshDatabase checks that a run's database is created empty on the
// server and is gone once dropped.
func TestFreshDatabase(t *testing.T) {
	server := pgtest.Server(t)
	ctx := context.Background()
	dbURL, desc, drop, err := freshDatabase(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	name := dbURL[strings.LastIndex(dbURL, "/")+1:]
	name, _, _ = strings.Cut(name, "?")
	if !strings.HasPrefix(name, "kw_bench_") || !strings.Contains(desc, name) {
		t.Fatalf("database %q, description %q", name, desc)
	}
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	if err := drop(); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Fatalf("database %s still exists after drop", name)
	}
}
