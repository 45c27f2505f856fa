package rpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/rpc"
)

// wait bounds every wait of these tests: a step that takes longer has
// failed (no test asserts that something happens quickly).
const wait = 10 * time.Second

// fixture is a real rpc.Server holding the test methods (methods_test.go),
// served over HTTP as the httpserver package serves it, with fakes for
// its collaborators.
type fixture struct {
	t     *testing.T
	srv   *rpc.Server
	http  *httptest.Server
	auth  *fakeAuthority
	audit *fakeAuditor
	obs   *fakeObserver
	logs  *logRecorder
	// gate releases test.block calls and waiting logins, one per value.
	gate chan struct{}
	// started receives the n of each test.block call as it starts, and
	// cancelled the n of each one whose connection ended first.
	started, cancelled chan int64
	// logins tracks the waiting test.login calls (login line test).
	logins loginTracker
}

// newFixture starts a server with cfg; its Registry, Logger, Authority,
// Auditor and Observer are the fixture's own.
func newFixture(t *testing.T, cfg rpc.Config) *fixture {
	t.Helper()
	f := &fixture{
		t: t, auth: newFakeAuthority(), audit: &fakeAuditor{}, obs: newFakeObserver(), logs: &logRecorder{},
		gate: make(chan struct{}), started: make(chan int64, 64), cancelled: make(chan int64, 64),
	}
	f.logins.entered = make(chan string, 16)
	reg := rpc.NewRegistry()
	reg.Register(f.methods()...)
	for _, e := range testEvents() {
		reg.RegisterEvent(e)
	}
	cfg.Registry, cfg.Logger, cfg.Authority = reg, f.logs.logger(), f.auth
	cfg.Auditor, cfg.Observer = f.audit, f.obs
	f.srv = rpc.NewServer(cfg)
	f.http = httptest.NewServer(http.HandlerFunc(f.serveWS))
	t.Cleanup(func() {
		f.srv.Shutdown()
		f.http.Close()
	})
	return f
}

// serveWS serves /api/<version> as httpserver does: the cap on
// connections not logged in (429), the upgrade, then rpc.Server.Serve.
func (f *fixture) serveWS(w http.ResponseWriter, r *http.Request) {
	v, ok := keyward.ParseVersion(strings.TrimPrefix(r.URL.Path, "/api/"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	origin := keyward.Origin{Addr: netip.MustParseAddrPort(r.RemoteAddr)}
	guest := f.srv.Admit(origin)
	if guest == nil {
		http.Error(w, "Too many connections not logged in", http.StatusTooManyRequests)
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		guest.Release()
		return
	}
	ws.SetReadLimit(-1)
	defer ws.CloseNow()
	f.srv.Serve(ws, v, guest)
}

// url returns the WebSocket address of an API version ("current" too).
func (f *fixture) url(version string) string {
	return "ws" + strings.TrimPrefix(f.http.URL, "http") + "/api/" + version
}

// conn is a test client: client.Conn bound to its test, failing it on
// transport errors.
type conn struct {
	*client.Conn
	t *testing.T
}

// dial opens a connection to /api/current.
func (f *fixture) dial(t *testing.T) *conn { t.Helper(); return f.dialVersion(t, "current") }

func (f *fixture) dialVersion(t *testing.T, version string) *conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, err := client.DialConn(ctx, f.url(version), nil)
	if err != nil {
		t.Fatalf("dial %s: %v", version, err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	return &conn{Conn: c, t: t}
}

// dialStatus dials /api/current and returns the HTTP status: 101 when the
// upgrade succeeded (the connection then closes at the test's end).
func (f *fixture) dialStatus(t *testing.T) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, f.url("current"), nil)
	if err == nil {
		t.Cleanup(func() { _ = ws.CloseNow() })
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		t.Fatalf("dial: %v", err)
	}
	return resp.StatusCode
}

// send writes one text message.
func (c *conn) send(text string) {
	c.t.Helper()
	c.sendType(websocket.MessageText, []byte(text))
}

func (c *conn) sendType(typ websocket.MessageType, data []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := c.Send(ctx, typ, data); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// next reads the next message.
func (c *conn) next() string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	data, err := c.Read(ctx)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return string(data)
}

// nextMsg reads and decodes the next message.
func (c *conn) nextMsg() *client.Response {
	c.t.Helper()
	text := c.next()
	var r client.Response
	if err := json.Unmarshal([]byte(text), &r); err != nil {
		c.t.Fatalf("decode %s: %v", text, err)
	}
	r.Raw = []byte(text)
	return &r
}

// nextAfter sends text and returns the next message, decoded.
func (c *conn) nextAfter(text string) *client.Response {
	c.t.Helper()
	c.send(text)
	return c.nextMsg()
}

// call makes a call and returns its answer, skipping notifications.
func (c *conn) call(method string, params ...any) *client.Response {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	r, err := c.Call(ctx, method, params...)
	if err != nil {
		c.t.Fatalf("call %s: %v", method, err)
	}
	return r
}

// result makes a call that must succeed and returns its decoded result.
func (c *conn) result(method string, params ...any) any {
	c.t.Helper()
	r := c.call(method, params...)
	if r.Error != nil {
		c.t.Fatalf("%s: %s", method, r.Raw)
	}
	var v any
	if err := json.Unmarshal(r.Result, &v); err != nil {
		c.t.Fatalf("%s: decode result: %v", method, err)
	}
	return v
}

// login logs the connection in as user through test.login.
func (c *conn) login(user string) {
	c.t.Helper()
	if got := c.result("test.login", user); got != true {
		c.t.Fatalf("login %s: %v", user, got)
	}
}

// closed reads until the connection ends and returns its close status and
// reason (-1 when it ended without a close frame); messages before the
// close are skipped.
func (c *conn) closed() (websocket.StatusCode, string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for {
		_, err := c.Read(ctx)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			c.t.Fatalf("connection still open after %v", wait)
		}
		var ce websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code, ce.Reason
		}
		return -1, err.Error()
	}
}

// wantClose checks that the connection ends with code and reason.
func (c *conn) wantClose(code websocket.StatusCode, reason string) {
	c.t.Helper()
	if got, why := c.closed(); got != code || why != reason {
		c.t.Fatalf("closed with %d %q, want %d %q", got, why, code, reason)
	}
}

// errData is the data member of a -32001 or -32602 answer.
type errData struct {
	Error   int             `json:"error"`
	Errname string          `json:"errname"`
	Reason  string          `json:"reason"`
	Trace   json.RawMessage `json:"trace"`
	Extra   json.RawMessage `json:"extra"`
}

// callErr returns the code and data of an answer that must be an error.
func callErr(t *testing.T, r *client.Response) (int, errData) {
	t.Helper()
	if r.Error == nil {
		t.Fatalf("want an error, got %s", r.Raw)
	}
	var d errData
	if len(r.Error.Data) > 0 {
		if err := json.Unmarshal(r.Error.Data, &d); err != nil {
			t.Fatalf("data of %s: %v", r.Raw, err)
		}
	}
	return r.Error.Code, d
}

// wantCallError checks a -32001 answer's errno and reason.
func wantCallError(t *testing.T, r *client.Response, errno keyward.Errno, reason string) {
	t.Helper()
	code, d := callErr(t, r)
	if code != rpc.CodeCallError || d.Error != int(errno) || d.Errname != errno.Name() || d.Reason != reason {
		t.Fatalf("got %s, want -32001 %s %q", r.Raw, errno.Name(), reason)
	}
}

// recv waits for a value from ch.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatalf("no %s within %v", what, wait)
		panic("unreachable")
	}
}

// eventually polls cond until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, wait)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// equalJSON reports whether two values encode to the same JSON.
func equalJSON(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(x) == string(y)
}
