package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/client"
)

// Client connections are spread over 127.0.0.2-127.0.0.254, so that tens
// of thousands of short connections do not run out of local ports; one
// HTTP client per address is made once and reused.
var (
	nextIP  atomic.Uint32
	clients [253]*websocket.DialOptions
)

func init() {
	for i := range clients {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))}, Timeout: 10 * time.Second}
		tr := &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}
		clients[i] = &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}}
	}
}

func dialOptions() *websocket.DialOptions { return clients[nextIP.Add(1)%uint32(len(clients))] }

// conn is a JSON-RPC connection for load, one call at a time: the shared
// client.Conn, dialled from the next local address.
type conn struct{ *client.Conn }

func dial(ctx context.Context, url string) (*conn, error) {
	c, err := client.DialConn(ctx, url, dialOptions())
	if err != nil {
		return nil, err
	}
	return &conn{c}, nil
}

// call sends one request and reads until its answer.
func (c *conn) call(ctx context.Context, method string, params ...any) (*client.Response, error) {
	return c.Call(ctx, method, params...)
}

// keyLogin logs in with API_KEY_PLAIN and returns the response type.
func (c *conn) keyLogin(ctx context.Context, raw string) (string, error) {
	r, err := c.call(ctx, "auth.login_ex", map[string]any{"mechanism": "API_KEY_PLAIN", "username": adminUser,
		"api_key": raw, "login_options": map[string]any{"user_info": false}})
	if err != nil {
		return "", err
	}
	if r.Error != nil {
		return "", fmt.Errorf("login: error %d", r.Error.Code)
	}
	var out struct {
		ResponseType string `json:"response_type"`
	}
	err = json.Unmarshal(r.Result, &out)
	return out.ResponseType, err
}

// dialAdmin opens a connection to srv logged in as the administrator.
func dialAdmin(ctx context.Context, srv *server) (*conn, error) {
	c, err := dial(ctx, srv.ws("current"))
	if err != nil {
		return nil, err
	}
	r, err := c.call(ctx, "auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": adminUser,
		"password": adminPassword, "login_options": map[string]any{"user_info": false}})
	if err == nil && (r.Error != nil || string(r.Result) == "") {
		err = fmt.Errorf("admin login failed")
	}
	if err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

func (c *conn) close() { _ = c.Close() }
