package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/keys"
)

// verifyCase times one key verification next to one PBKDF2-SHA512
// verification with 500,000 rounds (TrueNAS's hash).
func verifyCase(ctx context.Context, quick bool) *Case {
	p := keys.Generate()
	v := keys.NewVerifier(keys.Peppers{p}, nil)
	secret := keys.NewSecret()
	hmacHash, pbkdf2Hash := keys.Hash(p, secret), keys.HashPBKDF2(secret, []byte("0123456789abcdef"), 500_000)
	per := func(n int, hash string) float64 {
		start := time.Now()
		for range n {
			if ok, _ := v.Verify(ctx, hash, secret); !ok {
				panic("bench: verification failed")
			}
		}
		return float64(time.Since(start).Nanoseconds()) / float64(n)
	}
	slow := 5
	if quick {
		slow = 2
	}
	value, base := per(500_000, hmacHash), per(slow, pbkdf2Hash)
	return &Case{Value: value, Unit: "ns", Baseline: base, Ratio: base / value}
}

// loginCase measures new connections per second that connect, log in with
// API_KEY_PLAIN and close, next to connect + one echoed frame + close.
func loginCase(ctx context.Context, srv, echo *server, raws []string, workers int, d time.Duration) (*Case, error) {
	next := 0
	value, lat, err := rate(ctx, workers, d, worker[int]{setup: func() (int, error) { next++; return next, nil }, op: func(w int) error {
		c, err := dial(ctx, srv.ws("current"))
		if err != nil {
			return err
		}
		defer c.close()
		rt, err := c.keyLogin(ctx, raws[w%len(raws)])
		if err == nil && rt != "SUCCESS" {
			err = fmt.Errorf("login answered %s", rt)
		}
		return err
	}})
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	frame := []byte(`{"jsonrpc":"2.0","id":1,"method":"auth.login_ex","params":[{"mechanism":"API_KEY_PLAIN"}]}`)
	base, _, err := rate(ctx, workers, d, worker[struct{}]{setup: func() (struct{}, error) { return struct{}{}, nil }, op: func(struct{}) error {
		ws, _, err := websocket.Dial(ctx, "ws://"+echo.addr+"/", dialOptions())
		if err != nil {
			return err
		}
		defer ws.Close(websocket.StatusNormalClosure, "")
		if err := ws.Write(ctx, websocket.MessageText, frame); err != nil {
			return err
		}
		_, _, err = ws.Read(ctx)
		return err
	}})
	if err != nil {
		return nil, fmt.Errorf("login baseline: %w", err)
	}
	return &Case{Value: value, Unit: "1/s", Baseline: base, Ratio: value / base, P50ms: lat.percentile(50), P99ms: lat.percentile(99)}, nil
}

// callCase measures authenticated core.ping round trips per second over
// conns connections, next to the same frame on the echo server.
func callCase(ctx context.Context, srv, echo *server, raws []string, conns int, d time.Duration) (*Case, error) {
	i := 0
	value, lat, err := rate(ctx, conns, d, worker[*conn]{setup: func() (*conn, error) {
		c, err := dial(ctx, srv.ws("current"))
		if err != nil {
			return nil, err
		}
		i++
		if rt, err := c.keyLogin(ctx, raws[i%len(raws)]); err != nil || rt != "SUCCESS" {
			return nil, fmt.Errorf("login for calls: %v %s", err, rt)
		}
		return c, nil
	}, op: func(c *conn) error {
		r, err := c.call(ctx, "core.ping")
		if err == nil && r.Error != nil {
			err = errors.New("core.ping failed")
		}
		return err
	}, teardown: (*conn).close})
	if err != nil {
		return nil, fmt.Errorf("call: %w", err)
	}
	frame := []byte(`{"jsonrpc":"2.0","id":1,"method":"core.ping","params":[]}`)
	base, _, err := rate(ctx, conns, d, worker[*websocket.Conn]{setup: func() (*websocket.Conn, error) {
		ws, _, err := websocket.Dial(ctx, "ws://"+echo.addr+"/", dialOptions())
		return ws, err
	}, op: func(ws *websocket.Conn) error {
		if err := ws.Write(ctx, websocket.MessageText, frame); err != nil {
			return err
		}
		_, _, err := ws.Read(ctx)
		return err
	}, teardown: func(ws *websocket.Conn) { _ = ws.Close(websocket.StatusNormalClosure, "") }})
	if err != nil {
		return nil, fmt.Errorf("call baseline: %w", err)
	}
	return &Case{Value: value, Unit: "1/s", Baseline: base, Ratio: value / base, P50ms: lat.percentile(50), P99ms: lat.percentile(99)}, nil
}
