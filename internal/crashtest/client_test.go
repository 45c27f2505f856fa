package crashtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// callTimeout bounds one call; a server that is alive answers far sooner.
const callTimeout = 10 * time.Second

// rpcClient is a JSON-RPC client whose calls return transport failures as
// errors instead of failing the test: a worker's connection dies with the
// server, and that is an outcome to record, not a test failure.
type rpcClient struct {
	ws     *websocket.Conn
	nextID int64
}

// rpcError is an error response: the server answered, and said no.
type rpcError struct {
	Method string
	Body   json.RawMessage
}

func (e *rpcError) Error() string { return fmt.Sprintf("%s: error response %s", e.Method, e.Body) }

func dial(url string) (*rpcClient, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(64 << 20)
	return &rpcClient{ws: ws}, nil
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

func (c *rpcClient) close() { _ = c.ws.CloseNow() }

// call sends one request and waits for its response. A non-nil error is
// either an *rpcError (the server answered with an error) or a transport
// failure (no answer: the outcome is unknown).
func (c *rpcClient) call(method string, params ...any) (any, error) {
	c.nextID++
	id := c.nextID
	if params == nil {
		params = []any{}
	}
	req, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, req); err != nil {
		return nil, err
	}
	for {
		_, data, err := c.ws.Read(ctx)
		if err != nil {
			return nil, err
		}
		var resp struct {
			ID     json.Number     `json:"id"`
			Result any             `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		d := json.NewDecoder(bytes.NewReader(data))
		d.UseNumber()
		if err := d.Decode(&resp); err != nil {
			return nil, fmt.Errorf("decode %s: %w", data, err)
		}
		if resp.ID.String() != strconv.FormatInt(id, 10) {
			continue // a notification
		}
		if resp.Error != nil {
			return nil, &rpcError{Method: method, Body: resp.Error}
		}
		return resp.Result, nil
	}
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
