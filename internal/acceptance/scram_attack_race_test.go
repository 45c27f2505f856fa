package acceptance_test

import (
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/client"
)

// TestSCRAMChangesBetweenSteps (scram.md 9.7 step 2.4): whatever happens
// to the key or its owner between the server-first and the client-final —
// reset, revocation, deletion, the owner renamed, locked, deleted or left
// without roles — the old, correct proof does not log in.
func TestSCRAMChangesBetweenSteps(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t, trustLoopbackProxy)
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, user string, id int64, raw string)
	}{
		{"ErrReset", func(t *testing.T, _ string, id int64, _ string) {
			f.admin.MustResult("api_key.update", id, map[string]any{"reset": true})
		}},
		{"ErrRevoked", func(t *testing.T, user string, _ int64, raw string) {
			if got := apptest.MustDialHeader(t, f.srv.WSURL("v26.0.0"), plainProxy).KeyLogin(user, raw); got != "EXPIRED" {
				t.Fatalf("plain key login over an insecure transport: %s", got)
			}
		}},
		{"ErrDeleted", func(t *testing.T, _ string, id int64, _ string) {
			f.admin.MustResult("api_key.delete", id)
		}},
		{"ErrRenamed", func(t *testing.T, user string, _ int64, _ string) {
			f.admin.MustResult("user.update", userID(t, f.admin, user), map[string]any{"username": user + "x"})
		}},
		{"ErrLocked", func(t *testing.T, user string, _ int64, _ string) {
			f.admin.MustResult("user.update", userID(t, f.admin, user), map[string]any{"locked": true})
		}},
		{"ErrUserDeleted", func(t *testing.T, user string, _ int64, _ string) {
			f.admin.MustResult("user.delete", userID(t, f.admin, user))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user := "u" + tc.name
			apptest.MustUserWithRoles(t, f.admin, user, "pw-"+user, "READONLY_ADMIN")
			id, raw := apptest.MustCreateKey(t, f.admin, user+"-key", user)
			c := f.ws(t)
			s := c.SCRAM(user, raw, false)
			a, err := c.SCRAMStep(client.SCRAMClientFirst, s.First())
			if err != nil {
				t.Fatal(err)
			}
			final, err := s.Final(a.RFCStr)
			if err != nil {
				t.Fatal(err)
			}
			tc.change(t, user, id, raw)
			if b, err := c.SCRAMStep(client.SCRAMClientFinal, final); err != nil || b.ResponseType != "AUTH_ERR" {
				t.Fatalf("client-final after the change: %+v %v, want AUTH_ERR", b, err)
			}
			if r := c.Call("auth.me"); r["error"] == nil {
				t.Fatalf("logged in: %s", apptest.String(r))
			}
		})
	}
}

func userID(t *testing.T, admin *apptest.Client, name string) int64 {
	t.Helper()
	r := admin.MustResult("user.query", []any{[]any{"username", "=", name}}, map[string]any{"get": true}).(map[string]any)
	id, _ := apptest.Int(r["id"])
	return id
}
