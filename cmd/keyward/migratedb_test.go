package main

import (
	"errors"
	"strings"
	"testing"
)

// TestMigrateDBErrors: migrate-db refuses without --to, from a PostgreSQL
// database setting and from a data directory without a database, and its
// errors never show the target URL or its password.
func TestMigrateDBErrors(t *testing.T) {
	url := "postgres://keyward:hunter2@127.0.0.1:1/keyward"
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"ErrNoTarget":   {[]string{"--data-dir", t.TempDir()}, "usage: keyward migrate-db"},
		"ErrPostgres":   {[]string{"--data-dir", t.TempDir(), "--database", url, "--to", url}, "database is set to PostgreSQL"},
		"ErrNoDatabase": {[]string{"--data-dir", t.TempDir(), "--to", url}, "no Keyward database at"},
	} {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := runCmd(t, "", append([]string{"migrate-db"}, c.args...)...)
			if code != 1 || out != "" || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, errOut, c.want)
			}
			if strings.Contains(errOut, "hunter2") {
				t.Errorf("stderr shows the password: %q", errOut)
			}
		})
	}
	t.Run("Redacted", func(t *testing.T) {
		base := errors.New("connect to " + url + " as keyward:hunter2 failed")
		err := redactURL(base, url)
		if msg := err.Error(); strings.Contains(msg, "hunter2") || strings.Contains(msg, url) {
			t.Errorf("redacted error %q shows the URL or password", msg)
		}
		if !errors.Is(err, base) {
			t.Error("the redacted error does not wrap the original")
		}
	})
}
