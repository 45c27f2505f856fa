package acceptance_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/password"
)

// Security issue, item 1: ids are never reused, and sessions and tokens are
// bound to an identity that cannot recur, so they never move to a later
// user; a login re-checks its user after the password check.

// slowArgon2 makes a password check take long enough (about half a second
// here) for an administrator's change to land while it runs: the changes
// these tests make take a few milliseconds.
var slowArgon2 = password.Params{Memory: 19456, Time: 32, Threads: 1}

func withSlowArgon2(c *config.Config) { c.Argon2 = slowArgon2 }

// sendLogin sends a PASSWORD_PLAIN login with request id 9000 without
// waiting for its answer; readLogin reads that answer.
func sendLogin(c *apptest.Client, user, pass string) {
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 9000, "method": "auth.login_ex",
		"params": []any{map[string]any{"mechanism": "PASSWORD_PLAIN", "username": user, "password": pass}}})
	c.Send(string(b))
}

func readLogin(t *testing.T, c *apptest.Client) string {
	t.Helper()
	for {
		m := c.Read()
		if n, ok := m["id"].(json.Number); ok && n.String() == "9000" {
			r, _ := m["result"].(map[string]any)
			s, _ := r["response_type"].(string)
			return s
		}
	}
}

func idOf(t *testing.T, v any) int64 {
	t.Helper()
	m, _ := v.(map[string]any)
	id, ok := apptest.Int(m["id"])
	if !ok {
		t.Fatalf("no id in %s", apptest.String(v))
	}
	return id
}

func TestSecurityItem1IDsNeverReused(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	srv := apptest.MustStart(t, apptest.InDir(dir))
	admin := srv.MustSetupAdmin(t)
	create := func(c *apptest.Client, name string) (user, group, priv int64) {
		u := c.MustResult("user.create", map[string]any{"username": name, "full_name": name,
			"password_disabled": true, "group_create": true})
		g := u.(map[string]any)["group"].(map[string]any)
		p := c.MustResult("privilege.create", map[string]any{"name": "p-" + name,
			"local_groups": []any{g["bsdgrp_gid"]}, "roles": []any{"READONLY_ADMIN"}, "web_shell": false})
		gid, _ := apptest.Int(g["id"])
		return idOf(t, u), gid, idOf(t, p)
	}
	remove := func(c *apptest.Client, user, priv int64) {
		c.MustResult("privilege.delete", priv)
		c.MustResult("user.delete", user)
	}
	u1, g1, p1 := create(admin, "first")
	remove(admin, u1, p1)
	u2, g2, p2 := create(admin, "second")
	if u2 <= u1 || g2 <= g1 || p2 <= p1 {
		t.Fatalf("ids reused after delete: user %d→%d, group %d→%d, privilege %d→%d", u1, u2, g1, g2, p1, p2)
	}
	remove(admin, u2, p2)

	// The sequences are in the database: a restart does not reset them.
	srv.Stop()
	srv = apptest.MustStart(t, apptest.InDir(dir))
	admin = apptest.MustDial(t, srv.WSURL("current"))
	admin.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	u3, g3, p3 := create(admin, "third")
	if u3 <= u2 || g3 <= g2 || p3 <= p2 {
		t.Fatalf("ids reused after restart: user %d→%d, group %d→%d, privilege %d→%d", u2, u3, g2, g3, p2, p3)
	}
}

// TestSecurityItem1LoginRacingDeleteNeverBecomesNewAdmin: a low-privilege
// user's password login is being checked while an administrator deletes
// that user and creates a new administrator. The login may succeed (it
// began first) but its session must never act as the new administrator.
func TestSecurityItem1LoginRacingDeleteNeverBecomesNewAdmin(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, withSlowArgon2)
	admin := srv.MustSetupAdmin(t)
	for i := range 3 {
		name, boss := fmt.Sprintf("low%d", i), fmt.Sprintf("boss%d", i)
		low := apptest.MustUserWithRoles(t, admin, name, "pw-low", "READONLY_ADMIN")
		c := apptest.MustDial(t, srv.WSURL("current"))
		sendLogin(c, name, "pw-low")
		admin.MustResult("user.delete", low)
		b := admin.MustResult("user.create", map[string]any{"username": boss, "full_name": boss,
			"password_disabled": true, "group_create": true, "groups": []any{1}})
		if id := idOf(t, b); id == low {
			t.Errorf("try %d: the new administrator got the deleted user's id %d", i, id)
		}
		if got := readLogin(t, c); got == "SUCCESS" {
			if r := c.Call("auth.me"); apptest.Errno(r) != 207 {
				t.Fatalf("try %d: the deleted user's session acts as %s", i, apptest.String(r))
			}
		}
	}
}

// TestSecurityItem1LoginRacingLockOrDelete: a user locked or deleted while
// its password is being checked gets AUTH_ERR, not SUCCESS.
func TestSecurityItem1LoginRacingLockOrDelete(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, withSlowArgon2)
	admin := srv.MustSetupAdmin(t)
	for _, change := range []string{"lock", "delete"} {
		t.Run(change, func(t *testing.T) {
			name := "victim_" + change
			id := apptest.MustUserWithRoles(t, admin, name, "pw-v", "READONLY_ADMIN")
			c := apptest.MustDial(t, srv.WSURL("current"))
			sendLogin(c, name, "pw-v")
			if change == "lock" {
				admin.MustResult("user.update", id, map[string]any{"locked": true})
			} else {
				admin.MustResult("user.delete", id)
			}
			if got := readLogin(t, c); got != "AUTH_ERR" {
				t.Fatalf("login of a user %sed while its password was checked: %s", change, got)
			}
			if r := c.Call("auth.me"); apptest.Errno(r) != 207 {
				t.Fatalf("auth.me after the refused login: %s", apptest.String(r))
			}
		})
	}
}

// TestSecurityItem1CLIDeleteThenAddAdmin: with the server running, the
// operator deletes a user and adds an administrator on the data directory
// (within one reload interval). The deleted user's session and token must
// not become the administrator's.
func TestSecurityItem1CLIDeleteThenAddAdmin(t *testing.T) {
	t.Parallel()
	bin := apptest.MustBuild(t)
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "alice", "pw-a", "READONLY_ADMIN")
	old := apptest.MustDial(t, srv.WSURL("current"))
	old.MustLogin("alice", "pw-a")
	token := old.MustResult("auth.generate_token", 600, map[string]any{}, false).(string)

	cli := func(stdin string, args ...string) {
		t.Helper()
		args = append(args, "--data-dir", srv.DataDir, "--argon2", "m=64,t=1,p=1")
		if srv.Config.Database != "" {
			args = append(args, "--database", srv.Config.Database)
		}
		cmd := exec.Command(bin, args...)
		cmd.Env = apptest.CleanEnv()
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("keyward %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	cli("", "user", "delete", "--username", "alice")
	cli("pw-root\n", "user", "add", "--username", "root2", "--admin")
	time.Sleep(1500 * time.Millisecond) // let the server's change feed see both changes

	if r := old.Call("auth.me"); apptest.Errno(r) != 207 {
		t.Fatalf("the deleted user's session after the CLI added an administrator: %s", apptest.String(r))
	}
	if got := tokenLogin(apptest.MustDial(t, srv.WSURL("current")), token); got != "AUTH_ERR" {
		t.Fatalf("the deleted user's token logged in: %s", got)
	}
}
