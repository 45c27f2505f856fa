package rpc

import (
	"context"
	"errors"
	"strings"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/keyward/keyward"
)

// Authority answers the RPC layer's questions about sessions. The accounts
// service implements it.
type Authority interface {
	// Refresh returns the session user's current name and effective
	// roles, or keyward.ErrNotAuthenticated when the session has ended.
	Refresh(ctx context.Context, s *keyward.Session, origin keyward.Origin) (username string, roles keyward.RoleSet, err error)
	// SessionEnded is told when a session ends other than by a new login
	// or the connection closing (logout, termination, invalidation), so
	// the tokens it generated go too. The session is marked ended first.
	// It is told once per session, with the connection that held it.
	SessionEnded(h keyward.HeldSession)
	// SessionClosed is told when the connection of a session closes (or
	// the server shuts down): the tokens it generated stay (a web page
	// reloads), the token it logged in with goes. It is told once per
	// session, with the connection that held it.
	SessionClosed(h keyward.HeldSession)
	// Confirmed returns nil while the node may trust its view of
	// credentials, and the error to answer logins and the calls of every
	// session with otherwise (cluster.md 4: the node fails closed).
	Confirmed() error
}

// refresh is step 2 of a call: it ends a session that is no longer valid
// and returns the caller for this call, or keyward.ErrUnconfirmed when the
// session could not be checked (the store failed): the call is refused and
// the session kept.
func (c *Conn) refresh(ctx context.Context) (*keyward.Caller, error) {
	caller := &keyward.Caller{ConnID: c.id, Version: c.version, Origin: c.origin}
	s := c.Session()
	if s == nil || c.srv.authority == nil {
		return caller, nil
	}
	name, roles, err := c.srv.authority.Refresh(ctx, s, c.origin)
	if errors.Is(err, keyward.ErrUnconfirmed) {
		return caller, err
	}
	if err != nil {
		c.EndSession(s, keyward.ErrNotAuthenticated)
		return caller, nil
	}
	caller.Session, caller.Username, caller.Roles = s, name, roles
	return caller, nil
}

// SetSession makes s the connection's session, replacing any other. The
// connection's subscriptions stay; they are re-checked at each delivery.
func (c *Conn) SetSession(s *keyward.Session) {
	c.session.Store(s)
}

// CompareAndSwapSession makes s the connection's session if old still is,
// and reports whether it did (a login that failed its last check puts the
// previous session back this way).
func (c *Conn) CompareAndSwapSession(old, s *keyward.Session) bool {
	return c.session.CompareAndSwap(old, s)
}

// EndSession ends the session s if it is still the connection's. With a
// reason, each subscription is removed with a notify_unsubscribed carrying
// it; without one (auth.logout) they are removed silently. The connection
// stays open.
func (c *Conn) EndSession(s *keyward.Session, reason *keyward.Error) bool {
	c.endMu.Lock()
	if !c.session.CompareAndSwap(s, nil) {
		c.endMu.Unlock()
		return false
	}
	s.End()
	if c.srv.authority != nil {
		c.srv.authority.SessionEnded(c.held(s))
	}
	c.endMu.Unlock()
	for _, name := range c.dropSubscriptions() {
		if reason != nil {
			c.notifyUnsubscribed(name, reason)
		}
	}
	return true
}

// closeSession ends the session of a connection that closes, or that the
// server is shutting down. It returns once the authority has been told,
// also when another goroutine ended the session first: a server shutting
// down has every session's end recorded before its store closes.
func (c *Conn) closeSession() {
	c.endMu.Lock()
	defer c.endMu.Unlock()
	if sess := c.session.Swap(nil); sess != nil && c.srv.authority != nil {
		c.srv.authority.SessionClosed(c.held(sess))
	}
}

// held names s as a session of this connection.
func (c *Conn) held(s *keyward.Session) keyward.HeldSession {
	return keyward.HeldSession{ConnID: c.id, Session: s, Origin: c.origin}
}

// Subscribe adds a subscription to an event name and returns its id.
func (c *Conn) Subscribe(name string) string {
	id := uuid.NewString()
	c.mu.Lock()
	if c.subs == nil {
		c.subs = map[string]string{}
	}
	c.subs[id] = name
	c.mu.Unlock()
	c.srv.hub.add(c, name)
	return id
}

// Unsubscribe removes one subscription; an unknown id is ignored.
func (c *Conn) Unsubscribe(id string) {
	c.mu.Lock()
	name, ok := c.subs[id]
	delete(c.subs, id)
	c.mu.Unlock()
	if ok {
		c.srv.hub.remove(c, name)
	}
}

// dropSubscriptions removes every subscription and returns them.
func (c *Conn) dropSubscriptions() map[string]string {
	c.mu.Lock()
	subs := c.subs
	c.subs = nil
	c.mu.Unlock()
	for _, name := range subs {
		c.srv.hub.remove(c, name)
	}
	return subs
}

// subscribedTo returns the ids of the subscriptions that receive events of
// collection: those to its name and those to "*".
func (c *Conn) subscribedTo(collection string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ids []string
	for id, name := range c.subs {
		if name == collection || name == "*" {
			ids = append(ids, id)
		}
	}
	return ids
}

// removeSubscriptions removes the given subscriptions, telling the client
// why with one notify_unsubscribed each.
func (c *Conn) removeSubscriptions(ids []string, reason *keyward.Error) {
	for _, id := range ids {
		c.mu.Lock()
		name, ok := c.subs[id]
		delete(c.subs, id)
		c.mu.Unlock()
		if ok {
			c.srv.hub.remove(c, name)
			c.notifyUnsubscribed(name, reason)
		}
	}
}

func (c *Conn) notifyUnsubscribed(name string, reason *keyward.Error) {
	msg, err := appendNotification(nil, "notify_unsubscribed", map[string]any{
		"collection": name, "error": ErrorData(reason),
	})
	if err == nil {
		c.send(msg)
	}
}

// EventName returns the part of a subscription name used for
// authorization: the text before the first ':'.
func EventName(name string) string {
	base, _, _ := strings.Cut(name, ":")
	return base
}

// Terminate ends the connection's session s and closes the connection with
// 1000 "Session terminated" once its queued messages are written.
func (c *Conn) Terminate(s *keyward.Session) bool {
	if !c.EndSession(s, nil) {
		return false
	}
	c.CloseAfterFlush(websocket.StatusNormalClosure, reasonTerminated)
	return true
}
