package rpc

import (
	"context"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/coder/websocket"

	"github.com/keyward/keyward"
)

// reasonAuthTimeout is the close reason (code 1008) of a connection that
// did not log in within the auth timeout.
const reasonAuthTimeout = "Authentication timeout"

// guests counts, per client address, the connections that have not logged
// in yet (max_unauthenticated_per_address).
type guests struct {
	max    int // 0: no cap
	exempt []netip.Prefix
	mu     sync.Mutex
	count  map[netip.Addr]int
}

// Guest is the place a connection that has not logged in holds in its
// client address's count, from before its upgrade until it logs in or
// ends.
type Guest struct {
	origin   keyward.Origin
	pool     *guests // nil when the address is not counted
	key      netip.Addr
	released atomic.Bool
}

// Admit reserves a place for a new connection from origin before its
// WebSocket upgrade, or returns nil when that client address already holds
// the maximum number of connections that have not logged in. The unix
// socket and the exempt addresses are never refused. Serve takes the
// place over; Release it when the upgrade fails.
func (s *Server) Admit(origin keyward.Origin) *Guest {
	g := &Guest{origin: origin}
	p := s.guests
	if p.max <= 0 || origin.Unix || p.exempted(origin.Addr.Addr()) {
		return g
	}
	g.pool, g.key = p, addressKey(origin.Addr.Addr())
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.count[g.key] >= p.max {
		return nil
	}
	p.count[g.key]++
	return g
}

// Release gives the place back; only the first call counts.
func (g *Guest) Release() {
	if g == nil || g.pool == nil || !g.released.CompareAndSwap(false, true) {
		return
	}
	p := g.pool
	p.mu.Lock()
	if p.count[g.key]--; p.count[g.key] <= 0 {
		delete(p.count, g.key)
	}
	p.mu.Unlock()
}

func (p *guests) exempted(a netip.Addr) bool {
	a = a.Unmap()
	for _, pfx := range p.exempt {
		if pfx.Contains(a) {
			return true
		}
	}
	return false
}

// addressKey is the address a client counts under, for the cap on
// connections not logged in and for the rate limit: an IPv4 address, or
// the /64 of an IPv6 one (one host usually holds a whole /64, so counting
// by /128 would give it 2^64 budgets).
func addressKey(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is4() {
		return a
	}
	p, _ := a.Prefix(64)
	return p.Addr()
}

// loginStarted and loginEnded bracket each login call as it executes, so
// that the auth timeout lets a login in progress finish (its answer
// decides) rather than cutting it off.
func (c *Conn) loginStarted() { c.loginsRunning.Add(1) }

func (c *Conn) loginEnded() {
	// loggedIn is stored before the count drops: authDeadline reads them
	// in the other order, so it never misses a login that just succeeded.
	if c.Session() != nil {
		c.loggedIn.Store(true)
		c.guest.Release()
	}
	c.loginsRunning.Add(-1)
	if !c.loggedIn.Load() && c.authLate.Load() {
		c.closeNotLoggedIn()
	}
}

// authDeadline runs auth timeout after the connection opened: one that
// has not logged in is closed with 1008, after the login running now, if
// any, has answered.
func (c *Conn) authDeadline() {
	c.authLate.Store(true)
	if c.loginsRunning.Load() > 0 || c.loggedIn.Load() {
		return
	}
	c.closeNotLoggedIn()
}

func (c *Conn) closeNotLoggedIn() {
	c.srv.log.LogAttrs(context.Background(), slog.LevelDebug, "closing a connection not logged in",
		slog.String("conn", c.id), slog.String("client", c.origin.String()))
	c.CloseAfterFlush(websocket.StatusPolicyViolation, reasonAuthTimeout)
}
