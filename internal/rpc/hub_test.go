package rpc_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// update is the exact collection_update notification with params.
func update(params string) string {
	return `{"jsonrpc":"2.0","method":"collection_update","params":` + params + `}`
}

// wantNext checks the connection's next message.
func (c *conn) wantNext(want string) {
	c.t.Helper()
	if got := c.next(); got != want {
		c.t.Fatalf("\n got %.300s\nwant %.300s", got, want)
	}
}

// subscriber logs a connection of version in as user with roles and
// subscribes it to events.
func (f *fixture) subscriber(t *testing.T, version, user string, roles []keyward.Role, events ...string) *conn {
	t.Helper()
	f.auth.setRoles(user, roles...)
	c := f.dialVersion(t, version)
	c.login(user)
	for _, e := range events {
		c.result("test.subscribe", e)
	}
	return c
}

// TestEventDelivery: events reach the subscribers of their name and of
// "*", once per connection, rendered for each subscriber and cut to its
// version; an entity a subscriber may not see is skipped.
func TestEventDelivery(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	read := []keyward.Role{keyward.APIKeyRead}
	alice := f.subscriber(t, "current", "alice", read)
	keysID := alice.result("test.subscribe", "test.keys")
	carol := f.subscriber(t, string(keyward.V25_04), "carol", read, "*")
	dave := f.subscriber(t, "current", "dave", []keyward.Role{keyward.FullAdmin}, "test.keys", "*")
	bob := f.subscriber(t, "current", "bob", nil, "test.open")
	pub := f.srv.Events().Publish

	pub(keyward.Event{Collection: "test.keys", Msg: keyward.EventAdded, ID: int64(5), Entity: &testKey{ID: 5, Name: "ci"}})
	alice.wantNext(update(`{"collection":"test.keys","fields":{"id":5,"name":"ci","owner":"alice"},"id":5,"msg":"added"}`))
	carol.wantNext(update(`{"collection":"test.keys","fields":{"id":5,"name":"ci"},"id":5,"msg":"added"}`))
	dave.wantNext(update(`{"collection":"test.keys","fields":{"id":5,"name":"ci","owner":"dave"},"id":5,"msg":"added"}`))

	pub(keyward.Event{Collection: "test.open", Msg: keyward.EventChanged})
	open := update(`{"collection":"test.open","msg":"changed"}`)
	bob.wantNext(open)
	carol.wantNext(open)
	dave.wantNext(open) // once, though subscribed twice

	pub(keyward.Event{Collection: "test.keys", Msg: keyward.EventChanged, ID: int64(6), Entity: &testKey{ID: 6, Hidden: true}})
	pub(keyward.Event{Collection: "test.keys", Msg: keyward.EventRemoved, ID: int64(5)})
	removed := update(`{"collection":"test.keys","id":5,"msg":"removed"}`)
	alice.wantNext(removed) // not test.open, nor the hidden key
	carol.wantNext(removed)

	// Unsubscribing stops delivery; an unknown id is ignored.
	alice.result("test.unsubscribe", keysID)
	alice.result("test.unsubscribe", "no-such-id")
	alice.result("test.subscribe", "test.open")
	pub(keyward.Event{Collection: "test.keys", Msg: keyward.EventRemoved, ID: int64(7)})
	pub(keyward.Event{Collection: "test.open", Msg: keyward.EventChanged})
	alice.wantNext(open)
}

// TestEventRecheck (protocol.md 8.1): each delivery re-checks the
// subscriber's session and roles; a subscription it no longer passes is
// removed with a notify_unsubscribed.
func TestEventRecheck(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	alice := f.subscriber(t, "current", "alice", []keyward.Role{keyward.APIKeyRead}, "test.keys", "test.open", "test.unlisted")
	pub := f.srv.Events().Publish

	f.auth.setRoles("alice")
	pub(keyward.Event{Collection: "test.keys", Msg: keyward.EventAdded, ID: int64(1), Entity: &testKey{ID: 1}})
	alice.wantNext(unsubscribed("test.keys", keyward.ErrNotAuthorized))
	pub(keyward.Event{Collection: "test.keys", Msg: keyward.EventAdded, ID: int64(2), Entity: &testKey{ID: 2}})
	pub(keyward.Event{Collection: "test.unlisted", Msg: keyward.EventAdded, ID: "x", Entity: "ignored"})
	alice.wantNext(update(`{"collection":"test.unlisted","id":"x","msg":"added"}`))

	f.auth.invalidate("alice")
	pub(keyward.Event{Collection: "test.open", Msg: keyward.EventChanged})
	want := []string{unsubscribed("test.open", keyward.ErrNotAuthenticated), unsubscribed("test.unlisted", keyward.ErrNotAuthenticated)}
	if got := alice.nextTexts(2); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("\n got %v\nwant %v", got, want)
	}
	recv(t, f.auth.ended, "SessionEnded")
	if n := f.obs.events.Load(); n != 1 {
		t.Fatalf("observer counted %d events sent, want 1", n)
	}
}

// TestSlowSubscriberDropped (protocol.md 2): a subscriber that takes no
// messages is closed with 1008 "Client too slow" once more than 4 MiB
// wait for it; the others receive every event meanwhile.
func TestSlowSubscriberDropped(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{WriteTimeout: time.Hour})
	slow := f.subscriber(t, "current", "slow", nil, "test.bulk")
	fast := f.subscriber(t, "current", "fast", nil, "test.bulk")
	chunk := strings.Repeat("e", 256<<10)
	dropped := false
	for n := 0; !dropped; n++ {
		if n == 1000 {
			t.Fatal("the slow subscriber was never dropped")
		}
		f.srv.Events().Publish(keyward.Event{Collection: "test.bulk", Msg: keyward.EventAdded, ID: int64(n), Entity: chunk})
		// In step with the fast subscriber, so its own queue stays short.
		if got := fast.next(); !strings.HasSuffix(got, fmt.Sprintf(`"id":%d,"msg":"added"}}`, n)) {
			t.Fatalf("event %d: got %s", n, got[len(got)-100:])
		}
		select {
		case <-f.obs.dropped:
			dropped = true
		default:
		}
	}
	slow.wantClose(websocket.StatusPolicyViolation, "Client too slow")
	if got := fast.result("test.ping"); got != "pong" {
		t.Fatalf("fast subscriber: %v", got)
	}
}

// TestStuckWriteDropped: a connection whose write has waited longer than
// the write timeout is dropped by the watchdog, without a close frame.
func TestStuckWriteDropped(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{WriteTimeout: 200 * time.Millisecond})
	c := f.dial(t)
	c.send(`{"jsonrpc":"2.0","id":1,"method":"test.big","params":[16777216]}`)
	recv(t, f.obs.dropped, "the stuck connection dropped")
	if code, _ := c.closed(); code != -1 {
		t.Fatalf("closed with %d, want a drop", code)
	}
}
