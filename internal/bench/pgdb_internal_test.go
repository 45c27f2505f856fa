package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/pgtest"
)

// TestFreshDatabase checks that a run gets a database of its own, named
// for the bench and described in the report (internal/postgres tests that
// it is made empty and dropped).
func TestFreshDatabase(t *testing.T) {
	server := pgtest.Server(t)
	dbURL, desc, drop, err := freshDatabase(context.Background(), server)
	if err != nil {
		t.Fatal(err)
	}
	name := dbURL[strings.LastIndex(dbURL, "/")+1:]
	name, _, _ = strings.Cut(name, "?")
	if !strings.HasPrefix(name, "kw_bench_") || !strings.Contains(desc, name) {
		t.Fatalf("database %q, description %q", name, desc)
	}
	if err := drop(); err != nil {
		t.Fatal(err)
	}
}
