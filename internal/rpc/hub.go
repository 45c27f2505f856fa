package rpc

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/schema"
)

// Hub fans events out to the connections subscribed to them. Events are
// delivered by one goroutine in the order they were published; delivering
// only queues a message on each connection, so a slow subscriber never
// delays the others. A subscription gets only the events published after
// it was made, however late the delivering goroutine gets to them.
type Hub struct {
	srv    *Server
	mu     sync.Mutex
	byName map[string]map[*Conn]*subscription // event name -> conn -> its subscriptions
	seq    atomic.Uint64                      // events published so far
	events chan stampedEvent
	done   chan struct{}
	once   sync.Once
}

// subscription counts a connection's subscriptions to one event name and
// remembers how many events had been published when the first was made.
type subscription struct {
	n     int
	since uint64
}

// stampedEvent is an event with its place in the order of publication.
type stampedEvent struct {
	keyward.Event
	seq uint64
}

func newHub(srv *Server) *Hub {
	h := &Hub{
		srv: srv, byName: map[string]map[*Conn]*subscription{},
		events: make(chan stampedEvent, 1024), done: make(chan struct{}),
	}
	go h.run()
	return h
}

// Publish queues e for delivery. It implements keyward.Publisher.
func (h *Hub) Publish(e keyward.Event) {
	select {
	case h.events <- stampedEvent{Event: e, seq: h.seq.Add(1)}:
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
		h.byName[name] = map[*Conn]*subscription{}
	}
	s := h.byName[name][c]
	if s == nil {
		s = &subscription{since: h.seq.Load()}
		h.byName[name][c] = s
	}
	s.n++
}

func (h *Hub) remove(c *Conn, name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.byName[name][c]; s != nil {
		if s.n--; s.n <= 0 {
			delete(h.byName[name], c)
		}
	}
	if len(h.byName[name]) == 0 {
		delete(h.byName, name)
	}
}

// subscribers returns each connection subscribed to the collection or to
// "*" before event seq was published, once.
func (h *Hub) subscribers(collection string, seq uint64) []*Conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[*Conn]bool{}
	var out []*Conn
	for _, name := range []string{collection, "*"} {
		for c, s := range h.byName[name] {
			if s.since < seq && !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

func (h *Hub) deliver(e stampedEvent) {
	for _, c := range h.subscribers(e.Collection, e.seq) {
		c.deliver(e.Event)
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
