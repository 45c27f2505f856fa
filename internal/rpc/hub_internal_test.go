package rpc

import (
	"testing"

	"github.com/keyward/keyward"
)

// TestHubSubscriptionSince: a subscription gets only the events published
// after it was made, even when the delivering goroutine reaches an older
// event only after the subscription (an acceptance test saw the "added"
// event of a key created before it subscribed).
func TestHubSubscriptionSince(t *testing.T) {
	h := &Hub{byName: map[string]map[*Conn]*subscription{}, events: make(chan stampedEvent, 4), done: make(chan struct{})}
	early, late := &Conn{}, &Conn{}
	h.add(early, keyward.CollectionAPIKeys)
	h.Publish(keyward.Event{Collection: keyward.CollectionAPIKeys, Msg: keyward.EventAdded, ID: int64(1)})
	h.add(late, keyward.CollectionAPIKeys)
	h.add(early, "*") // a second subscription of early's keeps its first's start
	h.Publish(keyward.Event{Collection: keyward.CollectionAPIKeys, Msg: keyward.EventChanged, ID: int64(1)})
	first, second := <-h.events, <-h.events
	if got := h.subscribers(first.Collection, first.seq); len(got) != 1 || got[0] != early {
		t.Fatalf("subscribers of the event published before the late subscription: %v", got)
	}
	if got := h.subscribers(second.Collection, second.seq); len(got) != 2 {
		t.Fatalf("subscribers of the event published after both: %d, want 2", len(got))
	}
	h.remove(late, keyward.CollectionAPIKeys)
	if got := h.subscribers(second.Collection, second.seq); len(got) != 1 || got[0] != early {
		t.Fatalf("subscribers after late unsubscribed: %v", got)
	}
}
