package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/pgtest"
	"github.com/keyward/keyward/internal/postgres"
)

// TestScratch checks that a scratch database is made empty on the server
// and is gone once dropped.
func TestScratch(t *testing.T) {
	server := pgtest.Server(t)
	ctx := context.Background()
	s, err := postgres.CreateScratch(ctx, server, "kw_scratch_")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Name, "kw_scratch_") || !strings.Contains(s.URL, "/"+s.Name) || s.Version == "" {
		t.Fatalf("scratch %+v", s)
	}
	db, err := postgres.Open(ctx, s.URL, keyward.StoreHooks{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Drop(); err != nil {
		t.Fatal(err)
	}
	err = postgres.Exec(ctx, server, `DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_database WHERE datname = '`+s.Name+`')
		THEN RAISE EXCEPTION 'still there'; END IF; END $$`)
	if err != nil {
		t.Fatalf("database %s after Drop: %v", s.Name, err)
	}
}
