package apptest

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/client"
)

// Timeout bounds every read a test client makes: a hang detector, long
// enough for a loaded machine running every package under the race
// detector (10 s was exceeded there by a 10,000-key test).
const Timeout = 30 * time.Second

// Client is a JSON-RPC connection for tests: client.Conn with the test's
// failure handling and answers decoded with numbers kept as json.Number.
type Client struct {
	tb  testing.TB
	rpc *client.Conn
}

// MustDial connects to url.
func MustDial(tb testing.TB, url string) *Client {
	tb.Helper()
	return MustDialFrom(tb, url, "")
}

// MustDialFrom connects to url from a local address such as 127.0.0.2
// (any 127/8 address works on Linux), or the default when from is empty.
func MustDialFrom(tb testing.TB, url, from string) *Client {
	tb.Helper()
	opts := &websocket.DialOptions{}
	if from != "" {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
		opts.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	}
	return MustDialOpts(tb, url, opts)
}

// MustDialHeader connects to url sending extra HTTP headers (for example
// the X-Forwarded-* headers of a reverse proxy).
func MustDialHeader(tb testing.TB, url string, h http.Header) *Client {
	tb.Helper()
	return MustDialOpts(tb, url, &websocket.DialOptions{HTTPHeader: h})
}

// MustDialTLS connects to a wss:// url, trusting any certificate (the
// server's is self-signed).
func MustDialTLS(tb testing.TB, url string) *Client {
	tb.Helper()
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	return MustDialOpts(tb, url, &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}})
}

// MustDialOpts connects with the given options.
func MustDialOpts(tb testing.TB, url string, opts *websocket.DialOptions) *Client {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	c, err := client.DialConn(ctx, url, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.CloseNow() })
	return &Client{tb: tb, rpc: c}
}

// Conn returns the underlying WebSocket.
func (c *Client) Conn() *websocket.Conn { return c.rpc.WS() }

// Send writes one text message.
func (c *Client) Send(text string) {
	c.tb.Helper()
	c.write(websocket.MessageText, []byte(text))
}

// SendBinary writes one binary message.
func (c *Client) SendBinary(data []byte) {
	c.tb.Helper()
	c.write(websocket.MessageBinary, data)
}

func (c *Client) write(typ websocket.MessageType, data []byte) {
	c.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if err := c.rpc.Send(ctx, typ, data); err != nil {
		c.tb.Fatalf("write: %v", err)
	}
}

// ReadRaw reads the next message, or returns the read error (a close).
func (c *Client) ReadRaw(timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return c.rpc.Read(ctx)
}

// Read reads and decodes the next message.
func (c *Client) Read() map[string]any {
	c.tb.Helper()
	data, err := c.ReadRaw(Timeout)
	if err != nil {
		c.tb.Fatalf("read: %v", err)
	}
	return Decode(c.tb, data)
}

// Decode decodes a JSON object keeping numbers as json.Number.
func Decode(tb testing.TB, data []byte) map[string]any {
	tb.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		tb.Fatalf("decode %s: %v", data, err)
	}
	return m
}

// Call sends a request with a fresh integer id and returns its response,
// skipping notifications that arrive first.
func (c *Client) Call(method string, params ...any) map[string]any {
	c.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	r, err := c.rpc.Call(ctx, method, params...)
	if err != nil {
		c.tb.Fatal(err)
	}
	return Decode(c.tb, r.Raw)
}

// MustResult calls a method and returns its result, failing on an error.
func (c *Client) MustResult(method string, params ...any) any {
	c.tb.Helper()
	m := c.Call(method, params...)
	if e, ok := m["error"]; ok {
		c.tb.Fatalf("%s: unexpected error %v", method, e)
	}
	return m["result"]
}

// ExpectClose reads until the server closes the connection and checks the
// close code and reason.
func (c *Client) ExpectClose(code websocket.StatusCode, reason string) {
	c.tb.Helper()
	for {
		_, err := c.ReadRaw(Timeout)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) {
			c.tb.Fatalf("want close %d %q, got %v", code, reason, err)
		}
		if ce.Code != code || ce.Reason != reason {
			c.tb.Fatalf("want close %d %q, got %d %q", code, reason, ce.Code, ce.Reason)
		}
		return
	}
}

// String formats a decoded message for failure output.
func String(m any) string { b, _ := json.Marshal(m); return fmt.Sprint(string(b)) }

// Int reads a JSON number decoded as json.Number.
func Int(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// ErrorOf returns the error member of a response, or nil.
func ErrorOf(resp map[string]any) map[string]any {
	e, _ := resp["error"].(map[string]any)
	return e
}

// Errno returns data.error of an error response, or 0.
func Errno(resp map[string]any) int64 {
	e := ErrorOf(resp)
	if e == nil {
		return 0
	}
	d, _ := e["data"].(map[string]any)
	n, _ := Int(d["error"])
	return n
}

// Code returns error.code of an error response, or 0.
func Code(resp map[string]any) int64 {
	n, _ := Int(ErrorOf(resp)["code"])
	return n
}

// Number is how a decoded answer shows an integer.
func Number(i int64) any { return json.Number(strconv.FormatInt(i, 10)) }

// Reason returns data.reason of an error response, or "".
func Reason(resp map[string]any) string {
	d, _ := ErrorOf(resp)["data"].(map[string]any)
	s, _ := d["reason"].(string)
	return s
}

// Extra returns data.extra of an error response as JSON.
func Extra(resp map[string]any) string {
	d, _ := ErrorOf(resp)["data"].(map[string]any)
	return String(d["extra"])
}
