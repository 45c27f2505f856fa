package service_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/password"
	"github.com/keyward/keyward/internal/service"
)

// disconnecting cancels a login's context from inside the login's next
// write transaction, once the transaction has begun: the client went away
// mid-login, as a closed WebSocket cancels its calls.
type disconnecting struct {
	cancel atomic.Pointer[context.CancelFunc]
}

// arm returns a context that the next write cancels.
func (d *disconnecting) arm(tb testing.TB, parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	tb.Cleanup(cancel)
	d.cancel.Store(&cancel)
	return ctx
}

// fire cancels the armed context, once.
func (d *disconnecting) fire() {
	if f := d.cancel.Swap(nil); f != nil {
		(*f)()
	}
}

// disconnectingKeys is a key store whose next write transaction cancels
// the login's context before its work runs.
type disconnectingKeys struct {
	keyward.KeyStore
	disconnecting
}

func (d *disconnectingKeys) UpdateKeys(ctx context.Context, fn func(keyward.KeyTx) error) error {
	return d.KeyStore.UpdateKeys(ctx, func(tx keyward.KeyTx) error { d.fire(); return fn(tx) })
}

// disconnectingAccounts is disconnectingKeys for the account store.
type disconnectingAccounts struct {
	keyward.AccountStore
	disconnecting
}

func (d *disconnectingAccounts) UpdateAccounts(ctx context.Context, fn func(keyward.AccountTx) error) error {
	return d.AccountStore.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { d.fire(); return fn(tx) })
}

// TestLoginWritesSurviveDisconnect checks that the writes a login makes
// land even when the client disconnects while they run: the re-hash of a
// key made with an older pepper, the revocation of a key used over an
// insecure transport (or the insecure use recorded under "reject"), and
// the re-hash of a password made with other parameters.
func TestLoginWritesSurviveDisconnect(t *testing.T) {
	t.Parallel()
	t.Run("OKKeyUpgrade", func(t *testing.T) {
		t.Parallel()
		store := &disconnectingKeys{}
		e := mustOpen(t, func(c *service.Config) { store.KeyStore, c.Keys = c.Keys, store })
		e.user("alice", "READONLY_ADMIN")
		k, raw := e.key("alice", "k1")
		cfg := e.cfg
		cfg.Verifier = keys.NewVerifier(keys.Peppers{e.cfg.Verifier.Peppers.Current(), keys.Generate()}, nil)
		e.svc = e.newService(cfg) // restarted with a new current pepper
		ctx := store.arm(t, e.ctx)
		e.svc.LoginAPIKey(ctx, &keyward.Caller{ConnID: "gone", Origin: secure}, &conn{}, "alice", raw)
		if ctx.Err() == nil {
			t.Fatal("the login made no key write")
		}
		after, err := e.svc.GetKey(e.ctx, k.ID)
		if err != nil || pepperOf(after.Hash) != cfg.Verifier.Peppers.Current().ID {
			t.Fatalf("hash %q after the login (%v), want one with the new pepper", after.Hash, err)
		}
	})
	for _, policy := range []string{"revoke", "reject"} {
		t.Run("OKInsecure"+strings.ToUpper(policy[:1])+policy[1:], func(t *testing.T) {
			t.Parallel()
			store := &disconnectingKeys{}
			e := mustOpen(t, func(c *service.Config) {
				store.KeyStore, c.Keys, c.InsecureKeyPolicy = c.Keys, store, policy
			})
			e.user("alice", "READONLY_ADMIN")
			k, raw := e.key("alice", "k1")
			ctx := store.arm(t, e.ctx)
			_, resp := e.svc.LoginAPIKey(ctx, &keyward.Caller{ConnID: "gone", Origin: insecure}, &conn{}, "alice", raw)
			if resp != service.Expired || ctx.Err() == nil {
				t.Fatalf("insecure use: %s, cancelled %v", resp, ctx.Err())
			}
			got, err := e.svc.GetKey(e.ctx, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			if policy == "revoke" && (!got.Revoked || got.RevokedReason != keyward.ReasonInsecureTransport) {
				t.Fatalf("key %+v, want it revoked for the insecure use", got)
			}
			uses, err := store.InsecureUses(e.ctx)
			if policy == "reject" && (err != nil || len(uses) != 1 || uses[0].KeyID != k.ID) {
				t.Fatalf("insecure uses %+v (%v), want the one of key %d", uses, err, k.ID)
			}
		})
	}
	t.Run("OKPasswordRehash", func(t *testing.T) {
		t.Parallel()
		store := &disconnectingAccounts{}
		e := mustOpen(t, func(c *service.Config) {
			store.AccountStore, c.Store = c.Store, store
			c.Hasher = password.NewHasher(password.Params{Memory: 128, Time: 1, Threads: 1})
		})
		u := e.user("alice", "READONLY_ADMIN")
		cfg := e.cfg
		cfg.Hasher = password.NewHasher(cheap)
		svc := e.newService(cfg) // restarted with new parameters
		ctx := store.arm(t, e.ctx)
		if _, resp := svc.LoginPassword(ctx, &keyward.Caller{ConnID: "gone", Origin: secure}, &conn{}, "alice", "pw-alice"); resp != service.Success || ctx.Err() == nil {
			t.Fatalf("login: %s, cancelled %v", resp, ctx.Err())
		}
		if after := svc.Accounts().User(u.ID); !strings.Contains(after.PasswordHash, "m=64,") {
			t.Fatalf("hash %q after the login, want the new parameters", after.PasswordHash)
		}
	})
}
