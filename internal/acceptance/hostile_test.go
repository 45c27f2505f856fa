package acceptance_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
)

// hostileCase is one hostile message and the answer protocol.md documents
// for it (sections 2-8 and 11-13). Exactly one kind of outcome is set:
// an error (code), a result (ok), no reply at all (silent), or a close.
type hostileCase struct {
	name    string
	auth    bool   // sent on a connection logged in as the administrator
	version string // "current" when empty
	send    string
	binary  bool
	// fragments, when set, are sent as the frames of one message instead
	// of send.
	fragments []string

	code   int64  // JSON-RPC error code
	msg    string // error.message, exact unless prefix is set
	prefix bool
	errno  int64  // data.error, for -32602 and -32001
	detail string // a substring of data.reason
	id     string // the reply's id as JSON: "1" unless set ("null" for -32700)

	ok     bool   // a successful reply
	result string // its exact result as JSON, when set

	silent bool // no reply of any kind (a notification)

	close  websocket.StatusCode
	reason string
}

func (h hostileCase) authed() hostileCase           { h.auth = true; return h }
func (h hostileCase) on(version string) hostileCase { h.version = version; return h }
func (h hostileCase) withID(id string) hostileCase  { h.id = id; return h }

// The outcomes.
func parseErr(name, send, prefix string) hostileCase {
	return hostileCase{name: name, send: send, code: -32700, msg: prefix, prefix: true, id: "null"}
}

func notObject(name, send, msg string) hostileCase {
	return hostileCase{name: name, send: send, code: -32700, msg: msg, id: "null"}
}

func badRequest(name, send, msg, id string) hostileCase {
	return hostileCase{name: name, send: send, code: -32600, msg: msg, id: id}
}

func noMethod(name, send string) hostileCase {
	return hostileCase{name: name, send: send, code: -32601, msg: "Method does not exist"}
}

// badParams expects -32602 whose reason holds "<attribute>: <message>".
func badParams(name, send, detail string) hostileCase {
	return hostileCase{name: name, send: send, code: -32602, msg: "Invalid params", errno: 22, detail: detail}
}

func callErr(name, send string, errno int64, detail string) hostileCase {
	return hostileCase{name: name, send: send, code: -32001, msg: "Method call error", errno: errno, detail: detail}
}

func okResult(name, send, result string) hostileCase {
	return hostileCase{name: name, send: send, ok: true, result: result}
}

func silent(name, send string) hostileCase { return hostileCase{name: name, send: send, silent: true} }

func closes(name, send string, code websocket.StatusCode, reason string) hostileCase {
	return hostileCase{name: name, send: send, close: code, reason: reason}
}

// call builds a request with id 1; params are JSON texts.
func call(method string, params ...string) string {
	m, _ := json.Marshal(method)
	return `{"jsonrpc":"2.0","id":1,"method":` + string(m) + `,"params":[` + strings.Join(params, ",") + `]}`
}

// hostileBound is how long any answer may take: a hang detector, not a
// performance assertion, so generous under the race detector.
func hostileBound() time.Duration {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return 20 * time.Second
			}
		}
	}
	return 2 * time.Second
}

func hostileCorpus() []hostileCase {
	var all []hostileCase
	for _, part := range [][]hostileCase{
		frameCases(), fragmentCases(), jsonCases(), envelopeCases(), ejsonCases(), paramCases(), queryHostileCases(), regexCases(),
	} {
		all = append(all, part...)
	}
	return all
}

// TestHostileInput sends every message of the corpus on a fresh
// connection of a server holding a few keys. Each must get its documented
// answer within the bound; then the connection, unless closed by the
// spec, must still answer, and so must a separate healthy connection.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	for i := range 3 {
		apptest.MustCreateKey(t, admin, fmt.Sprintf("hostile-%d", i), apptest.AdminUser)
	}
	healthy := apptest.MustDial(t, srv.WSURL("current"))
	bound := hostileBound()
	cases := hostileCorpus()
	if len(cases) < 100 {
		t.Fatalf("only %d cases", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case %q", tc.name)
		}
		seen[tc.name] = true
		if n := utf8.RuneCountInString(tc.send + strings.Join(tc.fragments, "")); tc.close == 0 && tc.code != -32700 && ((tc.auth && n > 65536) || (!tc.auth && n > 8192)) {
			t.Fatalf("%s: %d characters is over the limit", tc.name, n)
		}
		t.Run(tc.name, func(t *testing.T) { runHostile(t, srv, tc, bound) })
		start := time.Now()
		if r := healthy.Call("core.ping"); r["result"] != "pong" {
			t.Fatalf("after %s: healthy ping got %s", tc.name, apptest.String(r))
		}
		if d := time.Since(start); d > bound {
			t.Errorf("after %s: healthy ping took %v", tc.name, d)
		}
	}
}

func runHostile(t *testing.T, srv *apptest.Server, tc hostileCase, bound time.Duration) {
	version := tc.version
	if version == "" {
		version = "current"
	}
	c := apptest.MustDial(t, srv.WSURL(version))
	if tc.auth {
		c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	}
	start := time.Now()
	switch {
	case tc.fragments != nil:
		sendFragments(t, c, tc)
	case tc.binary:
		c.SendBinary([]byte(tc.send))
	default:
		c.Send(tc.send)
	}
	if tc.close != 0 {
		expectCloseWithin(t, c, tc, bound)
		return
	}
	if !tc.silent {
		data, err := c.ReadRaw(bound)
		if err != nil {
			t.Fatalf("no answer within %v: %v", bound, err)
		}
		checkHostileReply(t, tc, apptest.Decode(t, data))
	}
	// The connection still works, and a notification sent nothing.
	c.Send(`{"jsonrpc":"2.0","id":"probe","method":"core.set_options","params":[{}]}`)
	data, err := c.ReadRaw(bound)
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	if got := apptest.Decode(t, data); got["id"] != "probe" || got["error"] != nil {
		t.Fatalf("probe: got %s", data)
	}
	if d := time.Since(start); d > 2*bound {
		t.Errorf("took %v", d)
	}
}

// sendFragments writes tc.fragments as the frames of one message.
func sendFragments(t *testing.T, c *apptest.Client, tc hostileCase) {
	t.Helper()
	typ := websocket.MessageText
	if tc.binary {
		typ = websocket.MessageBinary
	}
	ctx, cancel := context.WithTimeout(context.Background(), apptest.Timeout)
	defer cancel()
	w, err := c.Conn().Writer(ctx, typ)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tc.fragments {
		if _, err := w.Write([]byte(f)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func expectCloseWithin(t *testing.T, c *apptest.Client, tc hostileCase, bound time.Duration) {
	t.Helper()
	data, err := c.ReadRaw(bound)
	if err == nil {
		t.Fatalf("want close %d, got message %.200s", tc.close, data)
	}
	var ce websocket.CloseError
	if !errors.As(err, &ce) {
		t.Fatalf("want close %d %q within %v, got %v", tc.close, tc.reason, bound, err)
	}
	if ce.Code != tc.close || ce.Reason != tc.reason {
		t.Fatalf("want close %d %q, got %d %q", tc.close, tc.reason, ce.Code, ce.Reason)
	}
}

func checkHostileReply(t *testing.T, tc hostileCase, got map[string]any) {
	t.Helper()
	id := tc.id
	if id == "" {
		id = "1"
	}
	if s := apptest.String(got["id"]); s != id {
		t.Errorf("id %.100s, want %.100s", s, id)
	}
	e := apptest.ErrorOf(got)
	if tc.ok {
		if e != nil {
			t.Fatalf("want a result, got %.500s", apptest.String(got))
		}
		if tc.result != "" && apptest.String(got["result"]) != tc.result {
			t.Fatalf("result %.500s, want %s", apptest.String(got["result"]), tc.result)
		}
		return
	}
	msg, _ := e["message"].(string)
	if apptest.Code(got) != tc.code || (tc.prefix && !strings.HasPrefix(msg, tc.msg)) || (!tc.prefix && msg != tc.msg) {
		t.Fatalf("got %.500s, want code %d message %q", apptest.String(got), tc.code, tc.msg)
	}
	data, hasData := e["data"].(map[string]any)
	if tc.code != -32602 && tc.code != -32001 {
		if hasData {
			t.Fatalf("code %d with data: %s", tc.code, apptest.String(e))
		}
		return
	}
	if r, _ := data["reason"].(string); apptest.Errno(got) != tc.errno || !strings.Contains(r, tc.detail) {
		t.Fatalf("got %.700s, want errno %d and reason containing %q", apptest.String(e), tc.errno, tc.detail)
	}
}
