package service_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/service"
)

// keyEnv has callers of each kind of api-keys.md 4: admin (FULL_ADMIN),
// writer (API_KEY_WRITE and READONLY_ADMIN), ro (READONLY_ADMIN), fine
// (ACCOUNT_READ only) and norole, and a key "taken" of ro.
type keyEnv struct {
	*env
	callers map[string]context.Context // "" is the operator
	taken   *keyward.APIKey
}

func mustOpenKeys(tb testing.TB) *keyEnv {
	tb.Helper()
	e := &keyEnv{env: mustOpen(tb), callers: map[string]context.Context{}}
	e.callers[""] = e.ctx
	e.callers["admin"] = e.as(e.login(e.admin))
	for name, roles := range map[string][]string{
		"writer": {"API_KEY_WRITE", "READONLY_ADMIN"}, "ro": {"READONLY_ADMIN"}, "fine": {"ACCOUNT_READ"},
	} {
		e.callers[name] = e.as(e.login(e.user(name, roles...)))
	}
	e.user("norole")
	e.taken, _ = e.key("ro", "taken")
	return e
}

// TestCreateKey checks api_key.create's checks in order (api-keys.md 4, 5).
func TestCreateKey(t *testing.T) {
	t.Parallel()
	e := mustOpenKeys(t)
	now := e.clock.Now()
	past, later := now.Add(-time.Second), now.Add(time.Hour+time.Second/2)
	const others = "authenticated user lacks privileges to create or modify API keys of other users."
	tests := []struct {
		name, caller, user, key string
		expires                 *time.Time
		errno                   keyward.Errno // 0: no call error
		attr, text              string        // the error, if any
	}{
		{name: "OKOperator", user: "fine", key: "op"},
		{name: "OKAdminForOther", caller: "admin", user: "writer", key: "a1"},
		{name: "OKOwn", caller: "ro", user: "ro", key: "  own  "},
		{name: "OKOwnFineGrained", caller: "fine", user: "fine", key: "fine-own"},
		{name: "OKWriterForLesser", caller: "writer", user: "ro", key: "w1"},
		{name: "OKExpiry", caller: "admin", user: "ro", key: "exp", expires: &later},
		{name: "OKExpiryNow", caller: "admin", user: "ro", key: "now", expires: &now},
		{name: "ErrOwnership", caller: "ro", user: "fine", key: "x", errno: keyward.EACCES, text: "ro: " + others},
		{name: "ErrOwnershipBeforeLookup", caller: "ro", user: "canary", key: "taken", errno: keyward.EACCES, text: others},
		{name: "ErrEscalation", caller: "writer", user: "admin", key: "x", errno: keyward.EACCES,
			text: "writer: authenticated user lacks privileges to create or modify API keys of user admin, who holds roles that the caller does not hold."},
		{name: "OKWriterForFineGrained", caller: "writer", user: "fine", key: "w2"},
		{name: "ErrNoUser", caller: "admin", user: "canary", key: "x", attr: "api_key_create", text: "User does not exist."},
		{name: "ErrNoRoles", caller: "admin", user: "norole", key: "x", attr: "api_key_create", text: "User lacks privilege role membership."},
		{name: "ErrNameTaken", caller: "admin", user: "ro", key: "taken", attr: "api_key_create", text: "name must be unique"},
		{name: "ErrNameTakenTrimmed", caller: "admin", user: "ro", key: " taken\t", attr: "api_key_create", text: "name must be unique"},
		{name: "ErrNameBlank", caller: "admin", user: "ro", key: "   ", attr: "api_key_create.name", text: service.ErrBlankName},
		{name: "ErrPast", caller: "admin", user: "ro", key: "x", expires: &past, attr: "api_key_create", text: "Expiration date is in the past"},
		{name: "ErrValidationBeforeEscalation", caller: "writer", user: "admin", key: "taken",
			attr: "api_key_create", text: "name must be unique"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issued, err := e.svc.CreateKey(e.callers[tt.caller], service.KeyCreate{Name: tt.key, Username: tt.user, ExpiresAt: tt.expires})
			switch {
			case tt.errno != 0:
				wantErrno(t, err, tt.errno, tt.text)
				return
			case tt.text != "":
				wantInvalid(t, err, tt.attr, tt.text)
				return
			case err != nil:
				t.Fatal(err)
			}
			k, raw := issued.Key, issued.Raw
			id, _, ok := keys.Parse(raw)
			owner := e.svc.Accounts().UserByName(tt.user)
			if !ok || id != k.ID || k.UserID != owner.ID || k.Name != strings.TrimSpace(tt.key) || k.Revoked || k.SecretGen != 1 {
				t.Fatalf("key %+v, raw %q", k, raw)
			}
			if tt.expires != nil && !k.ExpiresAt.Equal(tt.expires.Truncate(time.Second)) {
				t.Errorf("expires_at %v, want %v truncated to seconds", k.ExpiresAt, tt.expires)
			}
			if ev := e.events.msgs(); ev[len(ev)-1] != "added "+itoa(k.ID) {
				t.Errorf("events %v, want added %d last", ev, k.ID)
			}
			if _, resp := e.loginKey(tt.user, raw, secure); resp != service.Success {
				t.Errorf("login with the new key: %s", resp)
			}
		})
	}
	t.Run("ErrAllCollected", func(t *testing.T) {
		_, err := e.svc.CreateKey(e.ctx, service.KeyCreate{Name: "taken", Username: "canary", ExpiresAt: &past})
		for _, text := range []string{"name must be unique", "Expiration date is in the past", "User does not exist."} {
			wantInvalid(t, err, "api_key_create", text)
		}
	})
}

// TestUpdateKey checks api_key.update's checks and effects (api-keys.md 6).
func TestUpdateKey(t *testing.T) {
	t.Parallel()
	e := mustOpenKeys(t)
	past := e.clock.Now().Add(-time.Minute)
	name := func(s string) keyward.Opt[string] { return keyward.Opt[string]{Set: true, Value: s} }
	tests := []struct {
		name, caller, owner string
		in                  service.KeyUpdate
		errno               keyward.Errno
		attr, text          string
	}{
		{name: "OKRename", caller: "ro", owner: "ro", in: service.KeyUpdate{Name: name("  renamed ")}},
		{name: "OKSameName", caller: "ro", owner: "ro", in: service.KeyUpdate{Name: name("k")}},
		{name: "OKNoExpiry", caller: "admin", owner: "fine", in: service.KeyUpdate{ExpiresAt: keyward.Opt[*time.Time]{Set: true}}},
		{name: "OKWriterForLesser", caller: "writer", owner: "ro", in: service.KeyUpdate{Reset: true}},
		{name: "ErrNotFound", caller: "admin", owner: "", errno: 0, attr: "", text: "ApiKey 999 does not exist"},
		{name: "ErrOwnership", caller: "ro", owner: "fine", in: service.KeyUpdate{Name: name("x")}, errno: keyward.EACCES, text: "of other users."},
		{name: "ErrEscalation", caller: "writer", owner: "admin", in: service.KeyUpdate{Reset: true}, errno: keyward.EACCES, text: "of user admin"},
		{name: "ErrNameTaken", caller: "ro", owner: "ro", in: service.KeyUpdate{Name: name("taken ")}, attr: "api_key_update", text: "name must be unique"},
		{name: "ErrNameBlank", caller: "ro", owner: "ro", in: service.KeyUpdate{Name: name(" ")}, attr: "api_key_update.name", text: service.ErrBlankName},
		{name: "ErrPast", caller: "ro", owner: "ro", in: service.KeyUpdate{ExpiresAt: keyward.Opt[*time.Time]{Set: true, Value: &past}},
			attr: "api_key_update", text: "Expiration date is in the past"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := int64(999)
			var raw string
			if tt.owner != "" {
				var k *keyward.APIKey
				k, raw = e.key(tt.owner, "k")
				defer e.svc.DeleteKey(e.ctx, k.ID)
				id = k.ID
			}
			before, issued, err := e.svc.UpdateKey(e.callers[tt.caller], id, tt.in)
			switch {
			case tt.errno != 0:
				wantErrno(t, err, tt.errno, tt.text)
				return
			case tt.text != "":
				wantInvalid(t, err, tt.attr, tt.text)
				return
			case err != nil:
				t.Fatal(err)
			}
			after, newRaw := issued.Key, issued.Raw
			if tt.in.Name.Set && after.Name != strings.TrimSpace(tt.in.Name.Value) || tt.in.ExpiresAt.Set && after.ExpiresAt != nil {
				t.Errorf("after = %+v", after)
			}
			if ev := e.events.msgs(); ev[len(ev)-1] != "changed "+itoa(id) {
				t.Errorf("events %v, want changed %d last", ev, id)
			}
			if (newRaw != "") != tt.in.Reset || (after.SecretGen != before.SecretGen) != tt.in.Reset {
				t.Fatalf("reset %v: raw %q, secret generation %d -> %d", tt.in.Reset, newRaw, before.SecretGen, after.SecretGen)
			}
			if tt.in.Reset {
				if _, resp := e.loginKey(tt.owner, raw, secure); resp != service.AuthErr {
					t.Errorf("the old secret after a reset: %s", resp)
				}
				raw = newRaw
			}
			if _, resp := e.loginKey(tt.owner, raw, secure); resp != service.Success {
				t.Errorf("login after the update: %s", resp)
			}
		})
	}
}

// TestDeleteKey checks api_key.delete (api-keys.md 7) and that ids are
// never given out twice.
func TestDeleteKey(t *testing.T) {
	t.Parallel()
	e := mustOpenKeys(t)
	tests := []struct {
		name, caller, owner string
		errno               keyward.Errno
		text                string
	}{
		{name: "OKOwn", caller: "ro", owner: "ro"},
		{name: "OKAdmin", caller: "admin", owner: "writer"},
		{name: "OKOperator", caller: "", owner: "admin"},
		{name: "ErrNotFound", caller: "admin", text: "ApiKey 999 does not exist"},
		{name: "ErrOwnership", caller: "ro", owner: "fine", errno: keyward.EACCES, text: "ro: authenticated user lacks"},
		{name: "ErrEscalation", caller: "writer", owner: "admin", errno: keyward.EACCES, text: "of user admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := int64(999)
			if tt.owner != "" {
				k, _ := e.key(tt.owner, "k")
				defer e.svc.DeleteKey(e.ctx, k.ID)
				id = k.ID
			}
			deleted, err := e.svc.DeleteKey(e.callers[tt.caller], id)
			switch {
			case tt.errno != 0:
				wantErrno(t, err, tt.errno, tt.text)
				return
			case tt.text != "":
				wantInvalid(t, err, "", tt.text)
				return
			case err != nil:
				t.Fatal(err)
			}
			if deleted.ID != id {
				t.Errorf("deleted %+v", deleted)
			}
			if ev := e.events.msgs(); ev[len(ev)-1] != "removed "+itoa(id) {
				t.Errorf("events %v, want removed %d last", ev, id)
			}
			if _, err := e.svc.GetKey(e.ctx, id); err == nil {
				t.Error("the key is still there")
			}
		})
	}
	t.Run("OKIDsNeverReused", func(t *testing.T) {
		k1, _ := e.key("ro", "a")
		k2, _ := e.key("ro", "b")
		for _, k := range []*keyward.APIKey{k2, k1} {
			if _, err := e.svc.DeleteKey(e.ctx, k.ID); err != nil {
				t.Fatal(err)
			}
		}
		if k3, _ := e.key("ro", "c"); k3.ID <= k2.ID {
			t.Errorf("new key id %d, want above %d", k3.ID, k2.ID)
		}
		ids, err := e.svc.KeyIDsByUser(e.ctx)
		ro := e.svc.Accounts().UserByName("ro").ID
		if err != nil || len(ids[ro]) != 2 || !slices.IsSorted(ids[ro]) {
			t.Errorf("ro's keys = %v, %v; want taken and c", ids[ro], err)
		}
	})
}

// TestUpdateRevokedKey checks that a revoked key may be renamed or given
// a new expiry and stays revoked until it is reset (api-keys.md 6).
func TestUpdateRevokedKey(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	k, raw := e.key("admin", "k1")
	e.loginKey("admin", raw, insecure)
	later := e.clock.Now().Add(time.Hour)
	after, _ := updateKey(e, k.ID, service.KeyUpdate{Name: keyward.Opt[string]{Set: true, Value: "k2"},
		ExpiresAt: keyward.Opt[*time.Time]{Set: true, Value: &later}})
	if !after.Revoked || after.RevokedReason != keyward.ReasonInsecureTransport || after.Name != "k2" {
		t.Fatalf("after rename: %+v", after)
	}
	after, raw = updateKey(e, k.ID, service.KeyUpdate{Reset: true})
	if after.Revoked || after.RevokedReason != "" || !after.RevokedAt.IsZero() {
		t.Fatalf("after reset: %+v", after)
	}
	if _, resp := e.loginKey("admin", raw, secure); resp != service.Success {
		t.Errorf("login after reset: %s", resp)
	}
}

// TestKeyExpiryChange checks that a new expiry takes effect at once for
// logins and open sessions (api-keys.md 6).
func TestKeyExpiryChange(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	e.user("alice", "READONLY_ADMIN")
	k, raw := e.key("alice", "k1")
	expire(e, k, raw)
	if _, resp := e.loginKey("alice", raw, secure); resp != service.Expired {
		t.Fatalf("expired key: %s", resp)
	}
	updateKey(e, k.ID, service.KeyUpdate{ExpiresAt: keyward.Opt[*time.Time]{Set: true}})
	sess, resp := e.loginKey("alice", raw, secure)
	if resp != service.Success {
		t.Fatalf("key given no expiry: %s", resp)
	}
	soon := e.clock.Now().Add(time.Minute)
	updateKey(e, k.ID, service.KeyUpdate{ExpiresAt: keyward.Opt[*time.Time]{Set: true, Value: &soon}})
	if !e.refreshes(sess) {
		t.Fatal("a session ended by an expiry still to come")
	}
	e.clock.Advance(2 * time.Minute)
	if e.refreshes(sess) {
		t.Fatal("the session goes on once the new expiry passed")
	}
}
