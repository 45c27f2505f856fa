package cluster_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/client"
)

// callTimeout bounds one call of a worker; a live node answers far sooner
// (a writer waits at most revocation_max_lag for its peers).
const callTimeout = 10 * time.Second

// rpcConn is a connection whose calls return failures instead of failing
// the test, for workers on their own goroutines: a worker's connection
// dies with its node, and that is an outcome to record.
type rpcConn struct{ conn *client.Conn }

// rpcError is an error answer: the node answered, and said no.
type rpcError struct {
	Method string
	Err    *client.Error
}

func (e *rpcError) Error() string { return fmt.Sprintf("%s: error answer %v", e.Method, e.Err) }

// dial connects to a node's WebSocket URL.
func dial(url string) (*rpcConn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	c, err := client.DialConn(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	return &rpcConn{conn: c}, nil
}

func (c *rpcConn) close() { _ = c.conn.CloseNow() }

// call sends one request and waits for its answer. A non-nil error is an
// *rpcError (an error answer) or a transport failure (no answer).
func (c *rpcConn) call(method string, params ...any) (any, error) {
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

// loginPassword logs in as user and returns the response type.
func (c *rpcConn) loginPassword(user, pass string) (string, error) {
	r, err := c.call("auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": user,
		"password": pass, "login_options": map[string]any{"user_info": false}})
	if err != nil {
		return "", err
	}
	m, _ := r.(map[string]any)
	s, _ := m["response_type"].(string)
	return s, nil
}

// answered reports whether err is an error answer of the node.
func answered(err error) bool {
	var re *rpcError
	return errors.As(err, &re)
}

// num reads an integer decoded as json.Number.
func num(v any) int64 {
	n, _ := v.(json.Number)
	i, _ := n.Int64()
	return i
}
