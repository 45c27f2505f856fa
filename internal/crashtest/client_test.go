package crashtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/client"
)

// callTimeout bounds one call; a server that is alive answers far sooner.
const callTimeout = 10 * time.Second

// rpcClient is a JSON-RPC client whose calls return transport failures as
// errors instead of failing the test: a worker's connection dies with the
// server, and that is an outcome to record, not a test failure.
type rpcClient struct{ conn *client.Conn }

// rpcError is an error response: the server answered, and said no.
type rpcError struct {
	Method string
	Err    *client.Error
}

func (e *rpcError) Error() string { return fmt.Sprintf("%s: error response %v", e.Method, e.Err) }

func dial(url string) (*rpcClient, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	c, err := client.DialConn(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	return &rpcClient{conn: c}, nil
}

func mustDial(t *testing.T, url string) *rpcClient {
	t.Helper()
	c, err := dial(url)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(c.close)
	return c
}

func (c *rpcClient) close() { _ = c.conn.CloseNow() }

// call sends one request and waits for its response. A non-nil error is
// either an *rpcError (the server answered with an error) or a transport
// failure (no answer: the outcome is unknown).
func (c *rpcClient) call(method string, params ...any) (any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	r, err := c.conn.Call(ctx, method, params...)
	if err != nil {
		return nil, err
	}
	if r.Error != nil {
		return nil, &rpcError{Method: method, Err: r.Error}
	}
	var out any
	d := json.NewDecoder(bytes.NewReader(r.Result))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		return nil, fmt.Errorf("decode %s: %w", r.Result, err)
	}
	return out, nil
}

// must calls a method and fails the test unless it succeeds.
func (c *rpcClient) must(t *testing.T, method string, params ...any) any {
	t.Helper()
	r, err := c.call(method, params...)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return r
}

// login logs in with a mechanism and returns the response type.
func (c *rpcClient) login(params map[string]any) (string, error) {
	params["login_options"] = map[string]any{"user_info": false}
	r, err := c.call("auth.login_ex", params)
	if err != nil {
		return "", err
	}
	m, _ := r.(map[string]any)
	s, _ := m["response_type"].(string)
	return s, nil
}

// keyLogin logs in with API_KEY_PLAIN and returns the response type.
func (c *rpcClient) keyLogin(t *testing.T, username, key string) string {
	t.Helper()
	s, err := c.login(map[string]any{"mechanism": "API_KEY_PLAIN", "username": username, "api_key": key})
	if err != nil {
		t.Fatalf("key login: %v", err)
	}
	return s
}

// isResponse reports whether err means the server answered.
func isResponse(err error) bool {
	var re *rpcError
	return errors.As(err, &re)
}

// num reads an integer decoded as json.Number.
func num(v any) int64 {
	n, _ := v.(json.Number)
	i, _ := n.Int64()
	return i
}
