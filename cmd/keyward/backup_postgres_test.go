package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupRefusesPostgres: with database set to a PostgreSQL URL,
// backup and restore refuse, name pg_dump, pg_restore and docs/CLUSTER.md,
// touch no file and never show the database password.
func TestBackupRefusesPostgres(t *testing.T) {
	url := "postgres://keyward:hunter2@127.0.0.1:1/keyward"
	for _, cmd := range []string{"backup", "restore"} {
		t.Run("Err"+strings.ToUpper(cmd[:1])+cmd[1:], func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			file := filepath.Join(t.TempDir(), "keyward.backup")
			out, errOut, code := runCmd(t, "", cmd, "--data-dir", dir, "--database", url, file)
			want := "keyward " + cmd + ": database is PostgreSQL: keyward " + cmd +
				" is for the embedded SQLite database; on PostgreSQL use pg_dump and pg_restore (docs/CLUSTER.md)\n"
			if code != 1 || errOut != want || out != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, errOut, want)
			}
			for _, path := range []string{dir, file} {
				if _, err := os.Stat(path); !os.IsNotExist(err) {
					t.Errorf("%s %s: %v, want it untouched", cmd, path, err)
				}
			}
		})
	}
}
