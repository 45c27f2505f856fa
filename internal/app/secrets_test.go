package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestSecretsNeverStoredOrLogged runs logins, failed logins, password
// changes and token use with known secrets, then reads every file of the
// data directory and the server's debug log, and finds none of them.
func TestSecretsNeverStoredOrLogged(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	secrets := []string{apptest.AdminPassword, "Sup3r-s3cret-userpass", "Ch4nged-s3cret-userpass", "Wr0ng-guess-s3cret"}
	id := apptest.MustUserWithRoles(t, admin, "alice", secrets[1], "READONLY_ADMIN")
	c := apptest.MustDial(t, srv.WSURL("current"))
	c.MustLogin("alice", secrets[1])
	c.Login("alice", secrets[3])
	admin.MustResult("user.update", id, map[string]any{"password": secrets[2]})
	c.MustLogin("alice", secrets[2])
	c.MustResult("auth.login", "alice", secrets[3])
	tok := c.MustResult("auth.generate_token").(string)
	secrets = append(secrets, tok)
	if tokenLogin(apptest.MustDial(t, srv.WSURL("current")), tok) != "SUCCESS" {
		t.Fatal("token login")
	}
	tokenLogin(apptest.MustDial(t, srv.WSURL("current")), tok+"x")
	audit := admin.MustResult("audit.query", map[string]any{"query-options": map[string]any{"count": true}})
	if n, _ := apptest.Int(audit); n < 6 {
		t.Fatalf("only %d audit records", n)
	}
	srv.App.Checkpoint(t.Context())

	files, _ := filepath.Glob(filepath.Join(srv.DataDir, "*"))
	if len(files) == 0 {
		t.Fatal("no data files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				t.Errorf("%s contains the secret %q", filepath.Base(f), s)
			}
		}
	}
	logs := srv.Logs()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains the secret %q", s)
		}
	}
}
