package rpc

import (
	"bytes"
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/ejson"
)

// Conn is one WebSocket connection carrying JSON-RPC calls. It may hold at
// most one session at a time.
type Conn struct {
	srv     *Server
	ws      *websocket.Conn
	id      string
	version keyward.Version
	origin  keyward.Origin

	ctx    context.Context // cancelled when the connection ends
	cancel context.CancelFunc

	inBuf      bytes.Buffer // the message being read (reader goroutine only)
	writeSince atomic.Int64 // unix nanos when the current write began; 0 when idle

	session atomic.Pointer[keyward.Session]
	// endMu is held while a session leaves the connection and the
	// authority is told (EndSession, closeSession).
	endMu  sync.Mutex
	logins *turnstile // login calls run one at a time, in arrival order
	// pendingLogin is the login a multi-step mechanism left half done
	// (pending.go).
	pendingLogin atomic.Value

	// The auth timeout (guest.go): the connection's place among those not
	// logged in, whether a login ever succeeded, login calls executing,
	// and whether the timeout has passed.
	guest         *Guest
	loggedIn      atomic.Bool
	loginsRunning atomic.Int32
	authLate      atomic.Bool

	mu       sync.Mutex // guards the fields below
	inflight int        // calls executing or waiting
	running  int        // calls executing
	pending  []*request // calls waiting, in arrival order
	out      [][]byte   // outgoing messages not yet written
	outBytes int
	writing  bool
	// afterFlush runs when the writer empties the queue (CloseAfterFlush).
	afterFlush func()
	closed     bool
	// closeDone is closed when the close handshake started by Close ends.
	closeDone chan struct{}
	options   Options
	subs      map[string]string // subscription id -> event name
}

// Options are the per-connection settings of core.set_options.
type Options struct {
	LegacyJobs     bool `json:"legacy_jobs"`
	PrivateMethods bool `json:"private_methods"`
	PyExceptions   bool `json:"py_exceptions"`
}

func newConn(srv *Server, ws *websocket.Conn, v keyward.Version, origin keyward.Origin) *Conn {
	c := &Conn{
		srv: srv, ws: ws, id: uuid.NewString(), version: v, origin: origin,
		options: Options{LegacyJobs: true}, logins: newTurnstile(),
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

// ID returns the connection's UUID (the session id of auth.sessions).
func (c *Conn) ID() string { return c.id }

// Version returns the connection's API version.
func (c *Conn) Version() keyward.Version { return c.version }

// Server returns the server the connection belongs to.
func (c *Conn) Server() *Server { return c.srv }

// Origin returns where the connection comes from.
func (c *Conn) Origin() keyward.Origin { return c.origin }

// Session returns the connection's session, or nil.
func (c *Conn) Session() *keyward.Session { return c.session.Load() }

// Options returns the connection's core.set_options settings.
func (c *Conn) Options() Options {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.options
}

// SetOptions replaces the connection's core.set_options settings.
func (c *Conn) SetOptions(o Options) {
	c.mu.Lock()
	c.options = o
	c.mu.Unlock()
}

// serve reads messages until the connection ends.
func (c *Conn) serve() {
	defer c.waitClosed()
	defer c.logins.abort()
	defer c.cancel()
	for {
		// Reads never take c.ctx: cancelling a read context makes the library
		// drop the connection without its close frame.
		typ, r, err := c.ws.Reader(context.Background())
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			c.Close(websocket.StatusUnsupportedData, reasonBinary)
			return
		}
		data, tooBig, err := c.readMessage(r)
		if err != nil {
			return
		}
		authenticated := c.Session() != nil
		chars, ok := c.checkFrame(data, tooBig, authenticated)
		if !ok {
			return
		}
		c.handle(data, chars, authenticated)
	}
}

// readMessage reads a whole message, at most MaxMessageBytes of it, into
// the connection's buffer: the message is decoded (and copied out of it)
// before the next read.
func (c *Conn) readMessage(r io.Reader) (data []byte, tooBig bool, err error) {
	c.inBuf.Reset()
	if _, err = c.inBuf.ReadFrom(io.LimitReader(r, MaxMessageBytes+1)); err != nil {
		return nil, false, err
	}
	data = c.inBuf.Bytes()
	if c.inBuf.Cap() > 64<<10 {
		c.inBuf = bytes.Buffer{} // do not keep a large buffer for an idle connection
	}
	return data, len(data) > MaxMessageBytes, nil
}

// checkFrame applies the frame rules of protocol.md section 2 (except the
// 64 kB rule, which waits for the JSON to parse) and returns the message's
// length in code points.
func (c *Conn) checkFrame(data []byte, tooBig, authenticated bool) (int, bool) {
	check := data
	if tooBig {
		// The message was cut at the read limit; ignore a rune cut in half.
		for i := 0; i < utf8.UTFMax && len(check) > 0 && !utf8.Valid(check); i++ {
			check = check[:len(check)-1]
		}
	}
	if !utf8.Valid(check) {
		c.Close(websocket.StatusInvalidFramePayloadData, reasonUTF8)
		return 0, false
	}
	chars := utf8.RuneCount(check)
	if !authenticated && chars > MaxAnonymousChars {
		c.Close(websocket.StatusInvalidFramePayloadData, reasonAnonymousSize)
		return 0, false
	}
	if tooBig {
		c.Close(websocket.StatusMessageTooBig, reasonMessageSize)
		return 0, false
	}
	return chars, true
}

// handle applies the message checks of protocol.md section 3 and schedules
// the call.
func (c *Conn) handle(data []byte, chars int, authenticated bool) {
	start := time.Now()
	limit := 0
	if !authenticated {
		limit = MaxAnonymousValues
	}
	v, err := ejson.DecodeLimited(data, limit)
	if err != nil {
		c.refuse(&request{hasID: true, start: start}, parseError(err))
		return
	}
	obj, err := checkShape(v)
	if err != nil {
		c.refuse(&request{hasID: true, start: start}, err)
		return
	}
	if authenticated && chars > MaxAuthorizedChars {
		c.Close(websocket.StatusMessageTooBig, reasonMessageSize)
		return
	}
	req, err := checkRequest(obj)
	req.start = start
	var m *Method
	if err == nil {
		if m = c.srv.registry.methods[req.method]; m == nil {
			err = errMethodMissing
		}
	}
	if err != nil {
		c.refuse(req, err)
		return
	}
	req.login, req.obs = m.Login, c.srv.calls[req.method]
	if !c.admit(req) {
		c.refuse(req, errTooManyCalls)
	}
}

// Close ends the connection with a close frame. Only the first call counts.
func (c *Conn) Close(code websocket.StatusCode, reason string) { c.shut(code, reason) }

// shut is Close; it reports whether this call closed the connection.
func (c *Conn) shut(code websocket.StatusCode, reason string) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	c.closed = true
	c.out, c.outBytes = nil, 0
	c.closeDone = make(chan struct{})
	c.mu.Unlock()
	c.cancel()
	go func() {
		defer close(c.closeDone)
		_ = c.ws.Close(code, reason)
	}()
	return true
}

// waitClosed waits for a close handshake started by Close, so the close
// frame is sent before the connection is dropped.
func (c *Conn) waitClosed() {
	c.mu.Lock()
	done := c.closeDone
	c.mu.Unlock()
	if done != nil {
		<-done
	}
}

// isClosed reports whether Close was called.
func (c *Conn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}
