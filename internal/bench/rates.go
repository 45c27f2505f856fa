package bench

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/keys"
)

// The cases that measure rates: key verifications, logins and calls per
// second, each next to the baseline it is judged against.

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

// measure runs one side of a comparison for d and returns its rate and
// latencies.
type measure func(d time.Duration) (float64, *latencies, error)

// interleave measures the sides of a comparison in alternating slices of
// d each, so that drift on a shared machine (other load, CPU boost) weighs
// on all alike, and returns each side's mean rate and latencies.
func interleave(d time.Duration, sides ...measure) ([]float64, []*latencies, error) {
	const slices = 5
	rates := make([]float64, len(sides))
	lats := make([]*latencies, len(sides))
	for i := range lats {
		lats[i] = &latencies{}
	}
	for range slices {
		for i, side := range sides {
			r, lat, err := side(d / slices)
			if err != nil {
				return nil, nil, err
			}
			rates[i] += r / slices
			lats[i].d = append(lats[i].d, lat.d...)
		}
	}
	return rates, lats, nil
}

// compared measures one rate per back end next to a baseline (the last
// side), in one interleaved measurement, and records it as case name of
// each back end: on PostgreSQL with its ratio to SQLite as well.
func compared(backs []*backend, name string, d time.Duration, value func(b *backend) measure, base measure) error {
	sides := make([]measure, 0, len(backs)+1)
	for _, b := range backs {
		sides = append(sides, value(b))
	}
	rates, lats, err := interleave(d, append(sides, base)...)
	if err != nil {
		return err
	}
	baseline := rates[len(backs)]
	for i, b := range backs {
		c := &Case{Value: rates[i], Unit: "1/s", Baseline: baseline, Ratio: rates[i] / baseline,
			P50ms: lats[i].percentile(50), P99ms: lats[i].percentile(99)}
		if i > 0 {
			c.VsSQLite = rates[i] / rates[0]
		}
		b.cases[name] = c
	}
	return nil
}

// loginCase measures new connections per second that connect, log in with
// API_KEY_PLAIN and close, next to connect + one echoed frame + close.
func loginCase(ctx context.Context, backs []*backend, echo *server, workers int, d time.Duration) error {
	return compared(backs, "login", d, func(b *backend) measure {
		return func(d time.Duration) (float64, *latencies, error) {
			return loginRate(ctx, []*server{b.srv}, b.raws, workers, d)
		}
	}, func(d time.Duration) (float64, *latencies, error) { return echoConnectRate(ctx, echo, workers, d) })
}

// loginRate runs logins on workers goroutines, each worker always on the
// same node of nodes (spread evenly over them).
func loginRate(ctx context.Context, nodes []*server, raws []string, workers int, d time.Duration) (float64, *latencies, error) {
	next := 0
	frames := make([][]byte, min(len(raws), 64))
	for i := range frames {
		frames[i] = loginFrame(raws[i])
	}
	return rate(ctx, workers, d, worker[int]{setup: func() (int, error) { next++; return next, nil }, op: func(w int) error {
		// Pre-encoded frames and a byte check, as light as the baseline's
		// client: both share the CPUs with the server.
		ws, _, err := websocket.Dial(ctx, nodes[w%len(nodes)].ws("current"), dialOptions())
		if err != nil {
			return err
		}
		defer ws.Close(websocket.StatusNormalClosure, "")
		if err := ws.Write(ctx, websocket.MessageText, frames[w%len(frames)]); err != nil {
			return err
		}
		_, data, err := ws.Read(ctx)
		if err == nil && !bytes.Contains(data, success) {
			err = fmt.Errorf("login answered %s", data)
		}
		return err
	}})
}

func echoConnectRate(ctx context.Context, echo *server, workers int, d time.Duration) (float64, *latencies, error) {
	frame := loginFrame("1-" + strings.Repeat("a", 64))
	return rate(ctx, workers, d, worker[struct{}]{setup: func() (struct{}, error) { return struct{}{}, nil }, op: func(struct{}) error {
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
}

// callCase measures authenticated core.ping round trips per second over
// conns connections, next to the same frame on the echo server.
func callCase(ctx context.Context, backs []*backend, echo *server, conns int, d time.Duration) error {
	return compared(backs, "call", d, func(b *backend) measure {
		return func(d time.Duration) (float64, *latencies, error) { return callRate(ctx, b.srv, b.raws, conns, d) }
	}, func(d time.Duration) (float64, *latencies, error) { return echoCallRate(ctx, echo, conns, d) })
}

func callRate(ctx context.Context, srv *server, raws []string, conns int, d time.Duration) (float64, *latencies, error) {
	i := 0
	return rate(ctx, conns, d, worker[*conn]{setup: func() (*conn, error) {
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
		// The same bytes as the baseline sends, and no decoding beyond a
		// check: the load generator shares the CPUs, so it must not work
		// harder for one side than for the other.
		if err := c.Send(ctx, websocket.MessageText, pingFrame); err != nil {
			return err
		}
		data, err := c.Read(ctx)
		if err == nil && !bytes.Contains(data, pong) {
			err = fmt.Errorf("core.ping answered %s", data)
		}
		return err
	}, teardown: (*conn).close})
}

var (
	pingFrame = []byte(`{"jsonrpc":"2.0","id":1,"method":"core.ping","params":[]}`)
	pong      = []byte(`"result":"pong"`)
	success   = []byte(`"response_type":"SUCCESS"`)
)

// loginFrame is an API_KEY_PLAIN auth.login_ex request for a raw key.
func loginFrame(raw string) []byte {
	return []byte(`{"jsonrpc":"2.0","id":1,"method":"auth.login_ex","params":[{"mechanism":"API_KEY_PLAIN",` +
		`"username":"` + adminUser + `","api_key":"` + raw + `","login_options":{"user_info":false}}]}`)
}

func echoCallRate(ctx context.Context, echo *server, conns int, d time.Duration) (float64, *latencies, error) {
	frame := pingFrame
	return rate(ctx, conns, d, worker[*websocket.Conn]{setup: func() (*websocket.Conn, error) {
		ws, _, err := websocket.Dial(ctx, "ws://"+echo.addr+"/", dialOptions())
		return ws, err
	}, op: func(ws *websocket.Conn) error {
		if err := ws.Write(ctx, websocket.MessageText, frame); err != nil {
			return err
		}
		_, _, err := ws.Read(ctx)
		return err
	}, teardown: func(ws *websocket.Conn) { _ = ws.Close(websocket.StatusNormalClosure, "") }})
}
