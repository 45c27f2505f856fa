package client

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/coder/websocket"
)

// Conn is one WebSocket to a JSON-RPC server, read by its user in order:
// one call at a time, or raw messages (the tests, the crash test and the
// load generator). Client multiplexes concurrent calls on top of the same
// wire format.
type Conn struct {
	ws     *websocket.Conn
	tls    *tls.ConnectionState
	nextID atomic.Int64
}

// Response is one answer: a result or an error, with the raw message.
type Response struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *Error          `json:"error"`
	Method string          `json:"method"` // set on notifications
	Params json.RawMessage `json:"params"` // set on notifications
	Raw    []byte          `json:"-"`
}

// DialConn connects to a WebSocket URL such as ws://127.0.0.1:6000/api/current.
// Messages of up to 64 MiB are read.
func DialConn(ctx context.Context, url string, opts *websocket.DialOptions) (*Conn, error) {
	ws, resp, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	ws.SetReadLimit(64 << 20)
	return &Conn{ws: ws, tls: resp.TLS}, nil
}

// TLS returns the TLS state of a wss:// connection (its server
// certificate gives the channel binding: ServerEndPoint), nil for ws://.
func (c *Conn) TLS() *tls.ConnectionState { return c.tls }

// WS returns the underlying WebSocket (for close codes and frame tests).
func (c *Conn) WS() *websocket.Conn { return c.ws }

// Close closes the connection with a normal close handshake.
func (c *Conn) Close() error { return c.ws.Close(websocket.StatusNormalClosure, "") }

// CloseNow drops the connection without a close handshake.
func (c *Conn) CloseNow() error { return c.ws.CloseNow() }

// Send writes one message of the given type.
func (c *Conn) Send(ctx context.Context, typ websocket.MessageType, data []byte) error {
	return c.ws.Write(ctx, typ, data)
}

// Read reads the next message; its error is the connection's end (a close).
func (c *Conn) Read(ctx context.Context) ([]byte, error) {
	_, data, err := c.ws.Read(ctx)
	return data, err
}

// Request encodes a request with a fresh integer id and returns the id.
func (c *Conn) Request(method string, params ...any) (int64, []byte, error) {
	id := c.nextID.Add(1)
	msg, err := encodeRequest(strconv.FormatInt(id, 10), method, params)
	return id, msg, err
}

// Call sends a request and reads until its answer, skipping notifications
// and answers to other requests. A transport failure is an error; an error
// answer is a Response whose Error is set.
func (c *Conn) Call(ctx context.Context, method string, params ...any) (*Response, error) {
	id, msg, err := c.Request(method, params...)
	if err != nil {
		return nil, err
	}
	if err := c.ws.Write(ctx, websocket.MessageText, msg); err != nil {
		return nil, fmt.Errorf("send %s: %w", method, err)
	}
	want := strconv.FormatInt(id, 10)
	for {
		data, err := c.Read(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		var r Response
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("%s: decode %s: %w", method, data, err)
		}
		if string(r.ID) == want {
			r.Raw = data
			return &r, nil
		}
	}
}

// encodeRequest builds a JSON-RPC request; nil params are sent as [].
func encodeRequest(id, method string, params []any) ([]byte, error) {
	if params == nil {
		params = []any{}
	}
	msg, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": json.Number(id), "method": method, "params": params})
	if err != nil {
		return nil, fmt.Errorf("encode %s params: %w", method, err)
	}
	return msg, nil
}

// Errno returns the errno of a Keyward or TrueNAS error answer (data.error),
// or 0.
func (e *Error) Errno() int {
	var d struct {
		Error int `json:"error"`
	}
	_ = json.Unmarshal(e.Data, &d)
	return d.Error
}
