package service_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/service"
)

var errStore = errors.New("store failed")

// failingStore is an account store whose next write fails at commit,
// after all its work succeeded (a full disk, a lost lock), or whose next
// read after a write fails.
type failingStore struct {
	keyward.AccountStore
	commit, reload atomic.Bool
}

func (f *failingStore) UpdateAccounts(ctx context.Context, fn func(keyward.AccountTx) error) error {
	if !f.commit.Swap(false) {
		return f.AccountStore.UpdateAccounts(ctx, fn)
	}
	return f.AccountStore.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errStore // rolls the transaction back
	})
}

func (f *failingStore) LoadAccounts(ctx context.Context) (*keyward.Accounts, int64, error) {
	if f.reload.Swap(false) {
		return nil, 0, errStore
	}
	return f.AccountStore.LoadAccounts(ctx)
}

// TestDeleteUserFails checks that a user.delete that fails leaves the key
// sessions as the store says: a delete that did not commit changes
// nothing (no event, the key's sessions and logins go on), and one that
// committed but could not re-read the accounts still ends them.
func TestDeleteUserFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		reload    bool // the commit succeeds, the reload after it fails
		keyRemain bool
	}{
		{"ErrCommit", false, true},
		{"ErrReload", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := &failingStore{}
			e := mustOpen(t, func(c *service.Config) { store.AccountStore, c.Store = c.Store, store })
			u := e.user("alice", "READONLY_ADMIN")
			k, raw := e.key("alice", "k1")
			sess, resp := e.loginKey("alice", raw, secure)
			if resp != service.Success {
				t.Fatal(resp)
			}
			n := len(e.events.msgs())
			store.commit.Store(!tt.reload)
			store.reload.Store(tt.reload)
			if _, err := e.svc.DeleteUser(e.ctx, u.ID, true); !errors.Is(err, errStore) {
				t.Fatalf("error = %v, want the store's", err)
			}
			if _, err := e.svc.GetKey(e.ctx, k.ID); (err == nil) != tt.keyRemain {
				t.Fatalf("the key after the failed delete: %v", err)
			}
			if ev := e.events.msgs()[n:]; tt.keyRemain && len(ev) != 0 {
				t.Errorf("events of a delete that did not commit: %v", ev)
			}
			if sess.Ended() == tt.keyRemain || e.refreshes(sess) != tt.keyRemain {
				t.Errorf("key session ended %v, want %v", sess.Ended(), !tt.keyRemain)
			}
			if _, resp := e.loginKey("alice", raw, secure); (resp == service.Success) != tt.keyRemain {
				t.Errorf("login after the failed delete: %s", resp)
			}
		})
	}
}

// racingKeys is a key store that runs a change right after FindKey has
// read a key, as a write committing during a login would.
type racingKeys struct {
	keyward.KeyStore
	race atomic.Pointer[func()]
}

func (r *racingKeys) FindKey(ctx context.Context, id int64) (*keyward.APIKey, error) {
	k, err := r.KeyStore.FindKey(ctx, id)
	if f := r.race.Swap(nil); f != nil {
		(*f)()
	}
	return k, err
}

// TestInsecureUseRace checks that revoking a key for an insecure use
// keeps a change committed while the secret was checked: a rename stays,
// and a reset is not undone; after a reset the presented secret is no
// longer the key's, and the login is refused as a wrong secret.
func TestInsecureUseRace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      service.KeyUpdate
		resp    keyward.LoginResponse
		revoked bool
	}{
		{"OKRenamed", service.KeyUpdate{Name: keyward.Opt[string]{Set: true, Value: "renamed"}}, service.Expired, true},
		{"OKReset", service.KeyUpdate{Reset: true}, service.AuthErr, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := &racingKeys{}
			e := mustOpen(t, func(c *service.Config) { store.KeyStore, c.Keys = c.Keys, store })
			k, raw := e.key("admin", "k1")
			var after *keyward.APIKey
			var newRaw string
			race := func() { after, newRaw = updateKey(e, k.ID, tt.in) }
			store.race.Store(&race)
			if _, resp := e.loginKey("admin", raw, insecure); resp != tt.resp {
				t.Fatalf("insecure use: %s, want %s", resp, tt.resp)
			}
			got, err := e.svc.GetKey(e.ctx, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Revoked != tt.revoked || got.Name != after.Name || got.Hash != after.Hash || got.SecretGen != after.SecretGen {
				t.Fatalf("key %+v, want revoked %v and the change made during the login %+v", got, tt.revoked, after)
			}
			if newRaw != "" {
				if _, resp := e.loginKey("admin", newRaw, secure); resp != service.Success {
					t.Errorf("login with the secret of the reset: %s", resp)
				}
			}
		})
	}
}

// failingKeys is a key store whose FindKey fails while fail is set, as a
// database that went away would.
type failingKeys struct {
	keyward.KeyStore
	fail atomic.Bool
}

func (f *failingKeys) FindKey(ctx context.Context, id int64) (*keyward.APIKey, error) {
	if f.fail.Load() {
		return nil, errStore
	}
	return f.KeyStore.FindKey(ctx, id)
}

// TestRefreshStoreDown (attack review): a key session whose key cannot be
// read because the store failed is refused with the fail-closed error and
// kept, not ended; once the store answers, it goes on.
func TestRefreshStoreDown(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	_, raw := e.key("admin", "k1")
	keys := &failingKeys{KeyStore: e.cfg.Keys}
	cfg := e.cfg
	cfg.Keys, cfg.Observer = keys, nil
	other := e.newService(cfg) // another node: the key is not in its cache
	sess, resp := other.LoginAPIKey(e.ctx, &keyward.Caller{ConnID: "c", Origin: secure}, &conn{}, "admin", raw)
	if resp != service.Success {
		t.Fatal(resp)
	}
	keys.fail.Store(true)
	third := e.newService(cfg) // a node that never read the key
	if _, _, err := third.Refresh(e.ctx, sess, secure); !errors.Is(err, keyward.ErrUnconfirmed) {
		t.Fatalf("Refresh with the store down: %v, want ErrUnconfirmed", err)
	}
	if sess.Ended() {
		t.Fatal("the session ended because the store failed")
	}
	keys.fail.Store(false)
	if _, _, err := third.Refresh(e.ctx, sess, secure); err != nil {
		t.Fatalf("Refresh once the store answers: %v", err)
	}
}
