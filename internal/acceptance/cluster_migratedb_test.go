package acceptance

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/pgtest"
)

// TestClusterItem8MigrateDB (cluster.md acceptance 8): keyward migrate-db
// of a stopped SQLite data directory with users, keys (one imported from
// TrueNAS with a PBKDF2 hash) and audit records into an empty PostgreSQL
// database: the printed counts match, every key logs in on a server on
// PostgreSQL with the same data directory (its pepper file), new ids
// continue above the copied ones, and a second run is refused.
func TestClusterItem8MigrateDB(t *testing.T) {
	apptest.SQLiteOnly(t, "migrate-db copies a SQLite data directory")
	pgURL := pgtest.Fresh(t)
	bin := apptest.MustBuild(t)

	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "alice", "alice-password-1", "READONLY_ADMIN")
	type key struct {
		user, raw string
		id        int64
	}
	var ks []key
	for _, k := range []struct{ name, user string }{{"ci", "admin"}, {"alice-1", "alice"}, {"alice-2", "alice"}} {
		id, raw := apptest.MustCreateKey(t, admin, k.name, k.user)
		ks = append(ks, key{k.user, raw, id})
	}
	for _, k := range ks { // logins leave audit records
		if r := apptest.MustDial(t, srv.WSURL("current")).KeyLogin(k.user, k.raw); r != "SUCCESS" {
			t.Fatalf("key %d on SQLite: %s", k.id, r)
		}
	}
	srv.Stop()

	// An imported TrueNAS key keeps its PBKDF2 hash until its first login,
	// which is on PostgreSQL.
	secret := keys.NewSecret()
	export := filepath.Join(t.TempDir(), "truenas.json")
	rows, _ := json.Marshal([]map[string]any{{"id": 500, "name": "truenas", "username": "alice",
		"keyhash": keys.HashPBKDF2(secret, []byte("0123456789abcdef"), keys.MinIterations)}})
	if err := os.WriteFile(export, rows, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code := runBin(t, bin, "import-truenas-keys", "--data-dir", srv.DataDir, export); code != 0 ||
		!strings.Contains(out, "imported 1") {
		t.Fatalf("import: exit %d: %s", code, out)
	}
	ks = append(ks, key{"alice", keys.Format(500, secret), 500})

	out, code := runBin(t, bin, "migrate-db", "--data-dir", srv.DataDir, "--to", pgURL)
	if code != 0 {
		t.Fatalf("migrate-db: exit %d: %s", code, out)
	}
	checkCounts(t, out, map[string]func(int64) bool{
		"users":         func(n int64) bool { return n == 2 },
		"api_keys":      func(n int64) bool { return n == 4 },
		"audit":         func(n int64) bool { return n >= int64(len(ks)) },
		"pepper_checks": func(n int64) bool { return n == 1 },
	})
	if strings.Contains(out, pgURL) {
		t.Errorf("migrate-db printed the database URL:\n%s", out)
	}

	pg := apptest.MustStart(t, apptest.InDir(srv.DataDir), func(c *config.Config) { c.Database = pgURL })
	for _, k := range ks {
		if r := apptest.MustDial(t, pg.WSURL("current")).KeyLogin(k.user, k.raw); r != "SUCCESS" {
			t.Errorf("key %d on PostgreSQL: %s", k.id, r)
		}
	}
	pgAdmin := apptest.MustDial(t, pg.WSURL("current"))
	pgAdmin.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	if id, _ := apptest.MustCreateKey(t, pgAdmin, "after", "alice"); id <= 500 {
		t.Errorf("new key id on PostgreSQL %d, want above the imported 500", id)
	}

	out, code = runBin(t, bin, "migrate-db", "--data-dir", srv.DataDir, "--to", pgURL)
	if code == 0 || !strings.Contains(out, "is not empty") || strings.Contains(out, pgURL) {
		t.Errorf("second migrate-db: exit %d, want non-zero and the refusal without the URL:\n%s", code, out)
	}
}

// runBin runs the keyward binary with a clean environment (the data
// directory's pepper file is the pepper) and returns its combined output
// and exit status.
func runBin(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = apptest.CleanEnv()
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("%s %s: %v", bin, args[0], err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}

var countLine = regexp.MustCompile(`(?m)^\s+(\w+)\s+(\d+)\s+(\d+)\s*$`)

// checkCounts checks that every table line of migrate-db's output has
// equal counts, and that the named tables' counts pass their checks.
func checkCounts(t *testing.T, out string, want map[string]func(int64) bool) {
	t.Helper()
	seen := map[string]bool{}
	for _, m := range countLine.FindAllStringSubmatch(out, -1) {
		lite, _ := strconv.ParseInt(m[2], 10, 64)
		pg, _ := strconv.ParseInt(m[3], 10, 64)
		seen[m[1]] = true
		if lite != pg {
			t.Errorf("%s: SQLite %d, PostgreSQL %d", m[1], lite, pg)
		}
		if ok, has := want[m[1]]; has && !ok(pg) {
			t.Errorf("%s: %d rows copied, not what the test made", m[1], pg)
		}
	}
	for table := range want {
		if !seen[table] {
			t.Errorf("no count printed for %s:\n%s", table, out)
		}
	}
	if !strings.Contains(out, "all counts match") {
		t.Errorf("migrate-db did not say that all counts match:\n%s", out)
	}
}
