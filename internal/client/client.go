// Package client is the JSON-RPC 2.0 over WebSocket client of Keyward
// (and TrueNAS) servers: Client multiplexes concurrent calls (`keyward
// call`, the soak test), Conn is read in order by its user (the tests, the
// crash test, the load generator).
package client

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/coder/websocket"

	"github.com/keyward/keyward"
)

// Error is a JSON-RPC error answer.
type Error struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (e *Error) Error() string {
	var d struct {
		Reason string `json:"reason"`
	}
	if json.Unmarshal(e.Data, &d) == nil && d.Reason != "" {
		return fmt.Sprintf("%s (%d): %s", e.Message, e.Code, d.Reason)
	}
	return fmt.Sprintf("%s (%d)", e.Message, e.Code)
}

// Client is one connection.
type Client struct {
	ws     *websocket.Conn
	tls    *tls.ConnectionState
	nextID atomic.Int64
	mu     sync.Mutex
	wait   map[string]chan response
	// Notifications receives server notifications (events); it is never
	// closed, and notifications are dropped when it is full.
	Notifications chan json.RawMessage
	done          chan struct{}
	err           error
}

type response struct {
	Result json.RawMessage `json:"result"`
	Error  *Error          `json:"error"`
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

// Dial connects to a WebSocket URL such as ws://127.0.0.1:6000/api/current.
func Dial(ctx context.Context, url string, opts *websocket.DialOptions) (*Client, error) {
	ws, resp, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	ws.SetReadLimit(64 << 20)
	c := &Client{ws: ws, tls: resp.TLS, wait: map[string]chan response{}, Notifications: make(chan json.RawMessage, 1024),
		done: make(chan struct{})}
	go c.read()
	return c, nil
}

// TLS returns the TLS state of a wss:// connection (its server
// certificate gives the channel binding: ServerEndPoint), nil for ws://.
func (c *Client) TLS() *tls.ConnectionState { return c.tls }

// Close closes the connection.
func (c *Client) Close() error { return c.ws.Close(websocket.StatusNormalClosure, "") }

// CloseNow drops the connection without a close handshake.
func (c *Client) CloseNow() error { return c.ws.CloseNow() }

func (c *Client) read() {
	defer close(c.done)
	for {
		_, data, err := c.ws.Read(context.Background())
		if err != nil {
			c.err = err
			return
		}
		var r response
		if err := json.Unmarshal(data, &r); err != nil {
			continue
		}
		if r.Method != "" && r.ID == nil {
			select {
			case c.Notifications <- data:
			default:
			}
			continue
		}
		c.mu.Lock()
		ch := c.wait[string(r.ID)]
		delete(c.wait, string(r.ID))
		c.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// Call calls a method and returns its raw result.
func (c *Client) Call(ctx context.Context, method string, params ...any) (json.RawMessage, error) {
	id := strconv.FormatInt(c.nextID.Add(1), 10)
	msg, err := encodeRequest(id, method, params)
	if err != nil {
		return nil, err
	}
	ch := make(chan response, 1)
	c.mu.Lock()
	c.wait[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.wait, id)
		c.mu.Unlock()
	}()
	if err := c.ws.Write(ctx, websocket.MessageText, msg); err != nil {
		return nil, fmt.Errorf("send %s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return nil, r.Error
		}
		return r.Result, nil
	case <-c.done:
		return nil, fmt.Errorf("%s: connection closed: %w", method, c.err)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// CallInto calls a method and decodes its result into out.
func (c *Client) CallInto(ctx context.Context, out any, method string, params ...any) error {
	raw, err := c.Call(ctx, method, params...)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

// ErrLogin is a login the server refused.
var ErrLogin = errors.New("login refused")

// LoginPassword logs in with PASSWORD_PLAIN.
func (c *Client) LoginPassword(ctx context.Context, user, pass string) error {
	return c.loginEx(ctx, map[string]any{"mechanism": keyward.MechPasswordPlain, "username": user, "password": pass})
}

// LoginKey logs in with API_KEY_PLAIN as the key's owner, or with
// auth.login_with_api_key when user is empty.
func (c *Client) LoginKey(ctx context.Context, user, key string) error {
	if user == "" {
		var ok bool
		if err := c.CallInto(ctx, &ok, "auth.login_with_api_key", key); err != nil {
			return err
		}
		if !ok {
			return ErrLogin
		}
		return nil
	}
	return c.loginEx(ctx, map[string]any{"mechanism": keyward.MechAPIKeyPlain, "username": user, "api_key": key,
		"login_options": map[string]any{"user_info": false}})
}

func (c *Client) loginEx(ctx context.Context, data map[string]any) error {
	var r struct {
		ResponseType string `json:"response_type"`
	}
	if err := c.CallInto(ctx, &r, "auth.login_ex", data); err != nil {
		return err
	}
	if keyward.LoginResponse(r.ResponseType) != keyward.LoginSuccess {
		return fmt.Errorf("%w: %s", ErrLogin, r.ResponseType)
	}
	return nil
}
