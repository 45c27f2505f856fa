package rpc_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/rpc"
)

// padded returns a test.ping call of exactly chars code points, padded
// with two-byte characters in an extra member (limits count code points,
// not bytes).
func padded(chars int) string {
	const head, tail = `{"jsonrpc":"2.0","id":1,"method":"test.ping","pad":"`, `"}`
	return head + strings.Repeat("é", chars-len(head)-len(tail)) + tail
}

// values returns a test.echo call holding exactly n JSON values.
func values(n int) string {
	// The object, "2.0", 1, "test.echo", params and the echoed list.
	zeros := strings.TrimSuffix(strings.Repeat("0,", n-6), ",")
	return `{"jsonrpc":"2.0","id":1,"method":"test.echo","params":[[` + zeros + `]]}`
}

// TestFrameRules (protocol.md section 2): each violation closes the
// connection with its code and reason, in the table's order; within the
// limits the message is answered.
func TestFrameRules(t *testing.T) {
	t.Parallel()
	const (
		anonymous = "Anonymous connection max message length is 8 kB"
		tooLong   = "Max message length is 64 kB"
		badUTF8   = "Invalid UTF-8 in text message"
		binary    = "Invalid websocket message type: <WSMsgType.BINARY: 2>"
	)
	overRead := strings.Repeat("x", rpc.MaxMessageBytes+1)
	// Cut at the read limit in the middle of a character: still too long,
	// not invalid UTF-8.
	cutRune := "xx" + strings.Repeat("é", rpc.MaxMessageBytes/2)
	cases := []struct {
		name   string
		login  bool
		binary bool
		send   string
		code   websocket.StatusCode // 0: answered, connection open
		reason string
	}{
		{"ErrBinary", false, true, padded(100), websocket.StatusUnsupportedData, binary},
		{"ErrBinaryLoggedIn", true, true, padded(100), websocket.StatusUnsupportedData, binary},
		{"ErrInvalidUTF8", false, false, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.ping\",\"x\":\"\xff\"}", websocket.StatusInvalidFramePayloadData, badUTF8},
		{"OrderUTF8BeforeLength", false, false, padded(9000) + "\xc3", websocket.StatusInvalidFramePayloadData, badUTF8},
		{"OKAnonymousAtLimit", false, false, padded(rpc.MaxAnonymousChars), 0, ""},
		{"ErrAnonymousOverLimit", false, false, padded(rpc.MaxAnonymousChars + 1), websocket.StatusInvalidFramePayloadData, anonymous},
		{"ErrAnonymousNotJSON", false, false, strings.Repeat("[", rpc.MaxAnonymousChars+1), websocket.StatusInvalidFramePayloadData, anonymous},
		{"OrderAnonymousBeforeReadLimit", false, false, overRead, websocket.StatusInvalidFramePayloadData, anonymous},
		{"OKLoggedInAtLimit", true, false, padded(rpc.MaxAuthorizedChars), 0, ""},
		{"ErrLoggedInOverLimit", true, false, padded(rpc.MaxAuthorizedChars + 1), websocket.StatusMessageTooBig, tooLong},
		{"ErrOverReadLimit", true, false, overRead, websocket.StatusMessageTooBig, tooLong},
		{"ErrOverReadLimitMidRune", true, false, cutRune, websocket.StatusMessageTooBig, tooLong},
	}
	f := newFixture(t, rpc.Config{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := f.dial(t)
			if tc.login {
				c.login("alice")
			}
			typ := websocket.MessageText
			if tc.binary {
				typ = websocket.MessageBinary
			}
			c.sendType(typ, []byte(tc.send))
			if tc.code == 0 {
				if got := c.next(); got != `{"jsonrpc":"2.0","result":"pong","id":1}` {
					t.Fatalf("got %.200s", got)
				}
				return
			}
			c.wantClose(tc.code, tc.reason)
		})
	}
}

// TestLoggedInLengthAfterParse (protocol.md 3 step 4a): after login the
// 64 kB rule waits for the text to parse, so an over-long text that is not
// JSON gets -32700 and the connection stays open.
func TestLoggedInLengthAfterParse(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	c := f.dial(t)
	c.login("alice")
	text := padded(rpc.MaxAuthorizedChars + 10)
	c.send(text[:len(text)-1])
	if got := c.next(); !matches(got, protoErr(rpc.CodeInvalidJSON, "Invalid JSON: *", "null")) {
		t.Fatalf("got %s", got)
	}
	if got := c.result("test.ping"); got != "pong" {
		t.Fatalf("after the parse error: %v", got)
	}
}

// TestValueLimit: before login a message may hold at most 256 JSON values
// (a parse error beyond); after login only the length limits apply.
func TestValueLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	c := f.dial(t)
	if msg := values(rpc.MaxAnonymousValues); utf8.RuneCountInString(msg) > rpc.MaxAnonymousChars {
		t.Fatalf("the test message is too long: %d", len(msg))
	}
	if r := c.nextAfter(values(rpc.MaxAnonymousValues)); r.Error != nil {
		t.Fatalf("256 values: %s", r.Raw)
	}
	over := values(rpc.MaxAnonymousValues + 1)
	if got := string(c.nextAfter(over).Raw); !matches(got, protoErr(rpc.CodeInvalidJSON, "Invalid JSON: more than 256 values*", "null")) {
		t.Fatalf("257 values: %s", got)
	}
	c.login("alice")
	if r := c.nextAfter(over); r.Error != nil {
		t.Fatalf("257 values after login: %s", r.Raw)
	}
}
