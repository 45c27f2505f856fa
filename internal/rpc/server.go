package rpc

import (
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward"
)

// Config holds what a Server needs.
type Config struct {
	Registry *Registry
	Logger   *slog.Logger
	// Authority checks sessions at each call; nil means no session is ever
	// valid.
	Authority Authority
	// RateLimit limits no-auth calls; nil disables the limit.
	RateLimit *RateLimiter
	// Auditor records calls of audited methods; nil records nothing.
	Auditor keyward.Auditor
	// WriteTimeout bounds each outgoing message; zero means 10 s.
	WriteTimeout time.Duration
	// Observer is told about calls, events and drops; nil records nothing.
	Observer Observer
	// AuthTimeout closes a connection that has not logged in this long
	// after it opened, with 1008 "Authentication timeout"; zero never does.
	AuthTimeout time.Duration
	// MaxUnauthenticated caps the connections of one client address (an
	// IPv6 /64) that have not logged in (see Admit); zero means no cap.
	MaxUnauthenticated int
	// UnauthenticatedExempt are the client addresses the cap spares.
	UnauthenticatedExempt []netip.Prefix
}

// Server runs JSON-RPC connections.
type Server struct {
	registry     *Registry
	log          *slog.Logger
	authority    Authority
	limiter      *RateLimiter
	auditor      keyward.Auditor
	writeTimeout time.Duration
	hub          *Hub
	obs          Observer
	calls        map[string]CallObserver // method name -> its recorder
	authTimeout  time.Duration
	guests       *guests

	mu    sync.Mutex
	conns map[*Conn]struct{}
	done  bool

	// clock is a coarse now (unix nanos) for marking writes, kept by the
	// write watchdog: reading the time twice per message adds up.
	clock atomic.Int64
}

// NewServer returns a server for the registry's methods.
func NewServer(cfg Config) *Server {
	s := &Server{
		registry: cfg.Registry, log: cfg.Logger, authority: cfg.Authority,
		limiter: cfg.RateLimit, auditor: cfg.Auditor, writeTimeout: cfg.WriteTimeout,
		conns: map[*Conn]struct{}{}, obs: cfg.Observer, authTimeout: cfg.AuthTimeout,
		guests: &guests{max: cfg.MaxUnauthenticated, exempt: cfg.UnauthenticatedExempt, count: map[netip.Addr]int{}},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.obs == nil {
		s.obs = NopObserver{}
	}
	s.calls = callObservers(s.obs, s.registry)
	if s.writeTimeout == 0 {
		s.writeTimeout = 10 * time.Second
	}
	s.hub = newHub(s)
	s.clock.Store(time.Now().UnixNano())
	go s.watchWrites()
	return s
}

// watchWrites keeps the coarse clock and drops connections whose client
// has not taken a message for longer than the write timeout, so no writer
// waits forever.
func (s *Server) watchWrites() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	lastCheck := time.Now()
	for {
		select {
		case <-s.hub.done:
			return
		case now := <-t.C:
			s.clock.Store(now.UnixNano())
			if now.Sub(lastCheck) < s.writeTimeout/4 {
				continue
			}
			lastCheck = now
			limit := now.Add(-s.writeTimeout)
			for _, c := range s.Conns() {
				if c.stuck(limit) {
					_ = c.ws.CloseNow()
					s.obs.SlowClientDropped()
				}
			}
		}
	}
}

// Registry returns the server's method registry.
func (s *Server) Registry() *Registry { return s.registry }

// Events returns the publisher that fans events out to subscribers.
func (s *Server) Events() keyward.Publisher { return s.hub }

// Serve runs the JSON-RPC protocol on an accepted WebSocket until it ends.
// The connection holds the place g (from Admit) until it logs in or ends.
func (s *Server) Serve(ws *websocket.Conn, v keyward.Version, g *Guest) {
	defer g.Release()
	c := newConn(s, ws, v, g.origin)
	c.guest = g
	if s.authTimeout > 0 {
		t := time.AfterFunc(s.authTimeout, c.authDeadline)
		defer t.Stop()
	}
	s.mu.Lock()
	if s.done {
		s.mu.Unlock()
		c.Close(websocket.StatusGoingAway, reasonShutdown)
		// The caller drops the connection when Serve returns: wait for the
		// close frame to go out first, as serve does.
		c.waitClosed()
		return
	}
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		c.dropSubscriptions()
		c.closeSession()
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	c.serve()
}

// Shutdown ends every session, closes every connection with 1001 "Server
// shutting down" and stops the event hub. The sessions' ends are recorded
// (SessionClosed) before it returns, so before the store closes.
func (s *Server) Shutdown() {
	s.mu.Lock()
	s.done = true
	conns := make([]*Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.closeSession()
		c.Close(websocket.StatusGoingAway, reasonShutdown)
	}
	s.hub.stop()
}

// DropAll drops every connection without a close handshake, as a proxy
// or a network failure would; sessions end with their connections, tokens
// survive.
func (s *Server) DropAll() {
	for _, c := range s.Conns() {
		_ = c.ws.CloseNow()
	}
}

// Stats counts the open connections and their sessions by credential
// type, for the metrics gauges.
func (s *Server) Stats() (conns int, sessions map[keyward.Credential]int) {
	all := s.Conns()
	sessions = map[keyward.Credential]int{}
	for _, c := range all {
		if sess := c.Session(); sess != nil {
			sessions[sess.Credential]++
		}
	}
	return len(all), sessions
}

// Conns returns the open connections.
func (s *Server) Conns() []*Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Conn, 0, len(s.conns))
	for c := range s.conns {
		out = append(out, c)
	}
	return out
}

// EndSessions ends every session for which match returns true, as
// accounts.md 13.3 describes: subscriptions are removed with a
// notify_unsubscribed carrying ENOTAUTHENTICATED and the connections stay
// open. It returns the number of sessions ended.
func (s *Server) EndSessions(match func(*keyward.Session) bool) int {
	n := 0
	for _, c := range s.Conns() {
		if sess := c.Session(); sess != nil && match(sess) && c.EndSession(sess, keyward.ErrNotAuthenticated) {
			n++
		}
	}
	return n
}

// Held returns the sessions this server's connections hold, with their
// connections' ids and origins.
func (s *Server) Held() []keyward.HeldSession {
	var out []keyward.HeldSession
	for _, c := range s.Conns() {
		if sess := c.Session(); sess != nil {
			out = append(out, keyward.HeldSession{ConnID: c.ID(), Session: sess, Origin: c.Origin()})
		}
	}
	return out
}

// TerminateAllExcept ends the session of every connection but keep's and
// closes them as TerminateConn does.
func (s *Server) TerminateAllExcept(keep string) {
	for _, c := range s.Conns() {
		if c.ID() != keep {
			if sess := c.Session(); sess != nil {
				c.Terminate(sess)
			}
		}
	}
}

// TerminateConn ends the session of connection id and closes it with 1000
// `Session terminated`, as auth.terminate_session does, and reports
// whether there was one.
func (s *Server) TerminateConn(id string) bool {
	for _, c := range s.Conns() {
		if c.ID() == id {
			if sess := c.Session(); sess != nil {
				return c.Terminate(sess)
			}
		}
	}
	return false
}
