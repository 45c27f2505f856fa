package apptest

import (
	"os"
	"sync"
	"testing"

	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/pgtest"
)

// BackendVar names the back end the end-to-end suites run on: empty or
// "sqlite" for the embedded default, "postgres" for a fresh database on
// the server of KEYWARD_TEST_DATABASE per data directory. CI runs the
// suites once each way (.ci/run).
const BackendVar = "KEYWARD_TEST_BACKEND"

// OnPostgres reports whether the suites run on PostgreSQL.
func OnPostgres() bool { return os.Getenv(BackendVar) == "postgres" }

// SQLiteOnly skips a test that is about the embedded database itself (its
// file, backup and restore) when the suites run on PostgreSQL.
func SQLiteOnly(tb testing.TB, why string) {
	tb.Helper()
	if OnPostgres() {
		tb.Skipf("SQLite only (%s): this run is on PostgreSQL, where the SQLite run covers it", why)
	}
}

// databases remembers the PostgreSQL database of each data directory, so
// a server restarted on the same directory finds the same data.
var databases sync.Map // data dir -> URL

// useBackend points cfg at its PostgreSQL database when the suites run on
// PostgreSQL: the one its data directory had, or a fresh one dropped when
// the test that made it ends.
func useBackend(tb testing.TB, cfg *config.Config) {
	tb.Helper()
	if !OnPostgres() || cfg.Database != "" {
		return
	}
	if u, ok := databases.Load(cfg.DataDir); ok {
		cfg.Database = u.(string)
		return
	}
	u := pgtest.Fresh(tb)
	databases.Store(cfg.DataDir, u)
	tb.Cleanup(func() { databases.Delete(cfg.DataDir) })
	cfg.Database = u
}
