package rpc_test

import (
	"fmt"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// TestObserver: every call is recorded once under its method's name, or
// under rpc.UnknownMethod when the registry lacks it, with the outcome the
// error table gives; only names from the registry become labels.
func TestObserver(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	for _, name := range []string{"test.ping", "test.audited", rpc.UnknownMethod} {
		if !f.obs.wasAsked(name) {
			t.Errorf("the server did not ask for the recorder of %s", name)
		}
	}
	c := f.dial(t)
	for _, text := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"test.ping"}`,
		`{"jsonrpc":"2.0","id":2,"method":"test.ping","params":null}`,
		`{"jsonrpc":"2.0","id":3,"method":"no.such.name"}`,
		`{"jsonrpc":"2.0","id":4,`,
		`{"jsonrpc":"2.0","id":5,"method":"test.whoami"}`,
		`{"jsonrpc":"2.0","method":"test.ping"}`,
		`{"jsonrpc":"2.0","id":6,"method":"test.echo","params":[1,2]}`,
	} {
		c.send(text)
	}
	// The notification has no answer: read the others.
	for range 6 {
		c.next()
	}
	for name, want := range map[string][]string{
		"test.ping":       {"ok", "-32600", "ok"},
		rpc.UnknownMethod: {"-32601", "-32700"},
		"test.whoami":     {"ENOTAUTHENTICATED"},
		"test.echo":       {"-32602"},
	} {
		if got := f.obs.calls(name); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: outcomes %v, want %v", name, got, want)
		}
	}
	if got := f.obs.calls("no.such.name"); len(got) != 0 {
		t.Errorf("a client's method name became a label: %v", got)
	}
	if n := len(f.logs.find("call")); n != 7 {
		t.Errorf("%d debug lines for 7 calls", n)
	}
}

// TestConnDescribesItself: a handler sees its connection's id (the
// caller's), version, client address, server and options.
func TestConnDescribesItself(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	if f.srv.Registry().Spec(keyward.Current, "test.conn") == nil {
		t.Fatal("Registry() is not the configured registry")
	}
	c := f.dialVersion(t, string(keyward.V25_04))
	want := map[string]any{"id_matches": true, "version": "v25.04.0", "client": "127.0.0.1",
		"same_server": true, "legacy_jobs": true, "private": true}
	if got := c.result("test.conn"); !equalJSON(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	conns := f.srv.Conns()
	if len(conns) != 1 || conns[0].Version() != keyward.V25_04 || !conns[0].Options().PrivateMethods {
		t.Fatalf("Conns() = %v", conns)
	}
}
