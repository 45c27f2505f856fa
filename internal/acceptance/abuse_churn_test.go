package acceptance_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
)

// churnMix is how many connections of each kind a churn round opens.
type churnMix struct {
	keyLogins  int // logged in with an API key (a fifth of them subscribed)
	idle       int // upgraded, nothing sent
	midFrame   int // half a frame sent
	midMessage int // the first fragment of a message sent
	busy       int // 5 calls sent, answers never read
}

func (m churnMix) total() int { return m.keyLogins + m.idle + m.midFrame + m.midMessage + m.busy }

// TestConnectionChurn opens 5,000 connections in every state a client can
// leave one in, drops them all without a close handshake (FIN or RST), and
// checks that the server lets go of everything: connections, sessions,
// goroutines and memory return to their baseline. It does not run in
// parallel: it measures the whole test process.
func TestConnectionChurn(t *testing.T) {
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	_, key := apptest.MustCreateKey(t, admin, "churn", apptest.AdminUser)
	sessions := func() string {
		return apptest.String(admin.MustResult("auth.sessions", []any{}, map[string]any{"count": true}))
	}
	// A small round first, so that pools and caches exist in the baseline.
	churn(t, srv, key, churnMix{keyLogins: 20, idle: 20, midFrame: 20, midMessage: 20, busy: 20}, nil)
	waitConnections(t, srv, 1, apptest.Timeout)
	goroutines, heap := settledGoroutines(0, apptest.Timeout), heapAlloc()

	start := time.Now()
	mix := churnMix{keyLogins: 500, idle: 2500, midFrame: 1000, midMessage: 500, busy: 500}
	churn(t, srv, key, mix, func() {
		waitConnections(t, srv, 1+mix.total(), apptest.Timeout)
		if n := sessions(); n != fmt.Sprint(1+mix.keyLogins) {
			t.Fatalf("%s sessions open, want %d", n, 1+mix.keyLogins)
		}
		t.Logf("%d connections open after %v: %d goroutines, heap %d MiB",
			mix.total(), time.Since(start).Round(time.Millisecond), runtime.NumGoroutine(), heapAlloc()>>20)
	})
	dropped := time.Now()
	waitConnections(t, srv, 1, apptest.Timeout)
	if n := sessions(); n != "1" {
		t.Fatalf("%s sessions left after the drop, want only the administrator's", n)
	}
	// The heap keeps some of the peak for reuse: the runtime's free list of
	// goroutine descriptors and the grown buckets of the server's
	// connection map, about 3 MiB after 5,000 connections, the same after
	// any number of rounds. A leak of even 1 KiB per connection is more.
	const slackGoroutines, slackHeap = 10, 6 << 20
	after := settledGoroutines(goroutines+slackGoroutines, apptest.Timeout)
	afterHeap := heapAlloc()
	t.Logf("baseline %d goroutines, heap %.1f MiB; %v after the drop: %d goroutines, heap %.1f MiB; %v in all",
		goroutines, mib(heap), time.Since(dropped).Round(time.Millisecond), after, mib(afterHeap), time.Since(start).Round(time.Millisecond))
	if after > goroutines+slackGoroutines {
		t.Errorf("%d goroutines after the drop, baseline %d", after, goroutines)
	}
	if afterHeap > heap+slackHeap {
		t.Errorf("heap %.1f MiB after the drop, baseline %.1f MiB", mib(afterHeap), mib(heap))
	}
}

// churn opens the mix's connections, calls opened (if any) while all are
// open, then drops them all at once.
func churn(t *testing.T, srv *apptest.Server, key string, mix churnMix, opened func()) {
	t.Helper()
	var mu sync.Mutex
	var drops []func()
	var firstErr error
	jobs := make(chan func() (func(), error))
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for job := range jobs {
				drop, err := job()
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if drop != nil {
					drops = append(drops, drop)
				}
				mu.Unlock()
			}
		})
	}
	for i := range mix.total() {
		jobs <- churnJob(srv, key, mix, i)
	}
	close(jobs)
	wg.Wait()
	defer func() {
		for _, drop := range drops {
			drop()
		}
	}()
	if firstErr != nil {
		t.Fatalf("opening connections: %v", firstErr)
	}
	if opened != nil {
		opened()
	}
}

// churnJob opens connection i of the mix and returns how to drop it.
func churnJob(srv *apptest.Server, key string, mix churnMix, i int) func() (func(), error) {
	if i < mix.keyLogins {
		return func() (func(), error) { return keyLoginConn(srv, key, i%5 == 0) }
	}
	i -= mix.keyLogins
	var frames []byte
	switch {
	case i < mix.idle:
	case i < mix.idle+mix.midFrame:
		frames = clientFrame(0x81, 4096, []byte(`{"jsonrpc":"2.0","id":1,"method":"core.ping"`))
	case i < mix.idle+mix.midFrame+mix.midMessage:
		frames = clientFrame(0x01, 0, []byte(`{"jsonrpc":"2.0","id":1,`))
	default:
		for range 5 {
			frames = append(frames, clientFrame(0x81, 0, []byte(`{"jsonrpc":"2.0","id":1,"method":"api_key.query"}`))...)
		}
	}
	return func() (func(), error) { return rawConn(srv.Addr, frames, i%2 == 0) }
}

// keyLoginConn logs a new connection in with the API key, subscribes it
// to key events if asked, and returns how to drop it.
func keyLoginConn(srv *apptest.Server, key string, subscribe bool) (func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), apptest.Timeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, srv.WSURL("current"), nil)
	if err != nil {
		return nil, err
	}
	calls := []string{`{"jsonrpc":"2.0","id":1,"method":"auth.login_ex","params":[{"mechanism":"API_KEY_PLAIN","username":"admin","api_key":"` + key + `"}]}`}
	if subscribe {
		calls = append(calls, `{"jsonrpc":"2.0","id":2,"method":"core.subscribe","params":["api_key.query"]}`)
	}
	drop := func() { _ = ws.CloseNow() }
	for _, call := range calls {
		if err := ws.Write(ctx, websocket.MessageText, []byte(call)); err != nil {
			return drop, err
		}
		_, data, err := ws.Read(ctx)
		if err != nil || strings.Contains(string(data), `"error"`) || strings.Contains(string(data), "AUTH_ERR") {
			return drop, fmt.Errorf("%s: %s %v", call, data, err)
		}
	}
	return drop, nil
}

// rawConn upgrades a plain TCP connection by hand, writes frames, and
// returns how to drop it: with an RST (linger 0) or a FIN, never a close
// frame.
func rawConn(addr string, frames []byte, reset bool) (func(), error) {
	conn, err := net.DialTimeout("tcp", addr, apptest.Timeout)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(apptest.Timeout))
	fmt.Fprintf(conn, "GET /api/current HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", addr)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil && resp.StatusCode != http.StatusSwitchingProtocols {
		err = fmt.Errorf("upgrade: %s", resp.Status)
	}
	if err == nil && len(frames) > 0 {
		_, err = conn.Write(frames)
	}
	drop := func() {
		if reset {
			_ = conn.(*net.TCPConn).SetLinger(0)
		}
		_ = conn.Close()
	}
	return drop, err
}

// clientFrame encodes a masked client frame header announcing length
// payload bytes (len(payload) when zero) followed by payload. The mask key
// is zero, so the payload goes as is.
func clientFrame(first byte, length int, payload []byte) []byte {
	if length == 0 {
		length = len(payload)
	}
	var out []byte
	switch {
	case length < 126:
		out = []byte{first, 0x80 | byte(length)}
	default:
		out = binary.BigEndian.AppendUint16([]byte{first, 0x80 | 126}, uint16(length))
	}
	out = append(out, 0, 0, 0, 0)
	return append(out, payload...)
}

// settledGoroutines waits until the process has at most limit goroutines,
// or (limit 0) until their number stops falling, for at most timeout, and
// returns the number.
func settledGoroutines(limit int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	prev := -1
	for {
		n := runtime.NumGoroutine()
		if limit > 0 && n <= limit || limit == 0 && n == prev || time.Now().After(deadline) {
			return n
		}
		prev = n
		time.Sleep(100 * time.Millisecond)
	}
}

// heapAlloc returns the bytes of live heap objects after a full collection.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
