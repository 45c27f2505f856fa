package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/service"
)

// waitFor waits until done reports true. Watch runs on its own ticker, so
// there is no moment to check at; the deadline only stops a hung test.
func waitFor(tb testing.TB, what string, done func() bool) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			tb.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestWatch checks that changes made by another process (the CLI, another
// node) reach this one: keys and accounts are re-read, and the sessions
// the changes end, end.
func TestWatch(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	e.user("alice", "READONLY_ADMIN")
	bob := e.user("bob", "READONLY_ADMIN")
	cfg := e.cfg
	cfg.Observer = nil
	other, err := service.New(e.ctx, cfg) // another process on the same database
	if err != nil {
		t.Fatal(err)
	}
	issued, err := other.CreateKey(e.ctx, service.KeyCreate{Name: "k1", Username: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	k, raw := issued.Key, issued.Raw
	if _, resp := other.LoginPassword(e.ctx, &keyward.Caller{ConnID: "o", Origin: secure}, &conn{}, "alice", "pw-alice"); resp != service.Success {
		t.Fatalf("login on the other process: %s", resp)
	}
	ks, resp := e.loginKey("alice", raw, secure) // a key this process never wrote
	if resp != service.Success {
		t.Fatalf("login with the other process's key: %s", resp)
	}
	pw := e.login(bob)
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.svc.Follow(ctx, time.Millisecond)
	}()
	defer func() {
		cancel()
		<-done
	}()
	if _, err := other.DeleteKey(e.ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the key session to end", ks.Ended)
	if pw.Session.Ended() {
		t.Fatal("a key change ended a password session")
	}
	if _, _, err := other.UpdateUser(e.ctx, bob.ID, service.UserUpdate{Locked: keyward.Opt[bool]{Set: true, Value: true}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "bob's session to end", pw.Session.Ended)
	if !e.svc.Accounts().User(bob.ID).Locked {
		t.Error("this process did not re-read the accounts")
	}
}
