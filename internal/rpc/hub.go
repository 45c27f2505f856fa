package rpc

import (
	"context"
	"sync"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/schema"
)

// Hub fans events out to the connections subscribed to them. Events are
// delivered by one goroutine in the order they were published; delivering
// only queues a message on each connection, so a slow subscriber never
// delays the others.
type Hub struct {
	srv    *Server
	mu     sync.Mutex
	byName map[string]map[*Conn]int // event name -> conn -> subscriptions
	events chan keyward.Event
	done   chan struct{}
	once   sync.Once
}

func newHub(srv *Server) *Hub {
	h := &Hub{
		srv: srv, byName: map[string]map[*Conn]int{},
		events: make(chan keyward.Event, 1024), done: make(chan struct{}),
	}
	go h.run()
	return h
}

// Publish queues e for delivery. It implements keyward.Publisher.
func (h *Hub) Publish(e keyward.Event) {
	select {
	case h.events <- e:
	case <-h.done:
	}
}

func (h *Hub) stop() { h.once.Do(func() { close(h.done) }) }

func (h *Hub) run() {
	for {
		select {
		case e := <-h.events:
			h.deliver(e)
		case <-h.done:
			return
		}
	}
}

func (h *Hub) add(c *Conn, name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byName[name] == nil {
		h.byName[name] = map[*Conn]int{}
	}
	h.byName[name][c]++
}

func (h *Hub) remove(c *Conn, name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byName[name][c]--; h.byName[name][c] <= 0 {
		delete(h.byName[name], c)
	}
	if len(h.byName[name]) == 0 {
		delete(h.byName, name)
	}
}

// subscribers returns each connection subscribed to the collection or to
// "*", once.
func (h *Hub) subscribers(collection string) []*Conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[*Conn]bool{}
	var out []*Conn
	for _, name := range []string{collection, "*"} {
		for c := range h.byName[name] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

func (h *Hub) deliver(e keyward.Event) {
	for _, c := range h.subscribers(e.Collection) {
		c.deliver(e)
	}
}

// deliver sends e to the connection after re-checking the session and its
// roles (protocol.md 8.1).
func (c *Conn) deliver(e keyward.Event) {
	ids := c.subscribedTo(e.Collection)
	if len(ids) == 0 || c.isClosed() {
		// A closed connection keeps its subscriptions until its reader
		// ends, which may take seconds for a client too slow to take its
		// close frame: shaping events for it meanwhile is wasted work.
		return
	}
	ctx := context.Background()
	caller, err := c.refresh(ctx)
	if err != nil {
		return // the session could not be checked: no event, no unsubscribe
	}
	if !caller.Authenticated() {
		c.removeSubscriptions(ids, keyward.ErrNotAuthenticated)
		return
	}
	ev := c.srv.registry.Event(e.Collection)
	if ev != nil && !ev.Allows(caller.Roles) {
		c.removeSubscriptions(ids, keyward.ErrNotAuthorized)
		return
	}
	params := map[string]any{"msg": e.Msg, "collection": e.Collection}
	if e.ID != nil {
		params["id"] = e.ID
	}
	if e.Entity != nil && ev != nil && ev.Render != nil {
		fields, ok := ev.Render(keyward.NewContext(ctx, caller), caller, e.Entity)
		if !ok {
			return
		}
		params["fields"] = schema.Cut(ev.Fields, ev.FieldsFor(caller.Version), fields)
	}
	if msg, err := appendNotification(nil, "collection_update", params); err == nil && c.send(msg) {
		c.srv.obs.EventSent()
	}
}
