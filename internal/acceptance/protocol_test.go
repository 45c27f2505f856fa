package acceptance_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
)

// protoCase is one message sent on a fresh connection and the exact answer
// protocol.md documents for it.
type protoCase struct {
	name    string
	version string // "current" when empty
	send    string
	binary  bool
	// want is the exact reply; empty means no reply at all.
	want string
	// wantPrefix, for -32700 parse errors, is the start of error.message
	// (the parser detail after it is Keyward's own text).
	wantPrefix string
	// anyResult accepts any successful result (ids and times vary).
	anyResult bool
	// close and reason: the server closes the connection instead.
	close  websocket.StatusCode
	reason string
}

const (
	pong         = `{"jsonrpc":"2.0","result":"pong","id":1}`
	invalidReq   = `{"jsonrpc":"2.0","error":{"code":-32600,"message":%q},"id":%s}`
	notAuthError = `{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"Method call error","data":{"error":207,"errname":"ENOTAUTHENTICATED","reason":"[ENOTAUTHENTICATED] Not authenticated","trace":null,"extra":null}}}`
)

func invalidRequest(msg, id string) string {
	b, _ := json.Marshal(msg)
	return `{"jsonrpc":"2.0","error":{"code":-32600,"message":` + string(b) + `},"id":` + id + `}`
}

func parseError(msg string) string {
	b, _ := json.Marshal(msg)
	return `{"jsonrpc":"2.0","error":{"code":-32700,"message":` + string(b) + `},"id":null}`
}

func invalidParams(reason string, triples string) string {
	r, _ := json.Marshal(reason)
	return `{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Invalid params","data":{"error":22,"errname":"EINVAL","reason":` +
		string(r) + `,"trace":null,"extra":` + triples + `}}}`
}

func nested(depth int) string {
	return strings.Repeat("[", depth) + strings.Repeat("]", depth)
}

var protoCases = []protoCase{
	{name: "ping without params", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping"}`, want: pong},
	{name: "ping with empty params", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":[]}`, want: pong},
	{name: "string id stays a string", send: `{"jsonrpc":"2.0","id":"1","method":"core.ping"}`, want: `{"jsonrpc":"2.0","result":"pong","id":"1"}`},
	{name: "true id echoed", send: `{"jsonrpc":"2.0","id":true,"method":"core.ping"}`, want: `{"jsonrpc":"2.0","result":"pong","id":true}`},
	{name: "null id answered", send: `{"jsonrpc":"2.0","id":null,"method":"core.ping"}`, want: `{"jsonrpc":"2.0","result":"pong","id":null}`},
	{name: "negative id", send: `{"jsonrpc":"2.0","id":-7,"method":"core.ping"}`, want: `{"jsonrpc":"2.0","result":"pong","id":-7}`},
	{name: "huge integer id without loss", send: `{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"core.ping"}`,
		want: `{"jsonrpc":"2.0","result":"pong","id":123456789012345678901234567890}`},
	{name: "unpaired surrogate in id", send: `{"jsonrpc":"2.0","id":"\ud800x","method":"core.ping"}`, want: `{"jsonrpc":"2.0","result":"pong","id":"\ufffdx"}`},
	{name: "duplicate key: last wins", send: `{"jsonrpc":"2.0","id":5,"id":1,"method":"core.ping"}`, want: pong},
	{name: "extra members ignored", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","foo":{"bar":[1,2]}}`, want: pong},
	{name: "float id", send: `{"jsonrpc":"2.0","id":1.5,"method":"core.ping"}`, want: invalidRequest("'id' member must be of type null, string or number", "1.5")},
	{name: "exponent id", send: `{"jsonrpc":"2.0","id":1e3,"method":"core.ping"}`, want: invalidRequest("'id' member must be of type null, string or number", "1e3")},
	{name: "object id", send: `{"jsonrpc":"2.0","id":{"a":1},"method":"core.ping"}`, want: invalidRequest("'id' member must be of type null, string or number", `{"a":1}`)},
	{name: "jsonrpc 1.0", send: `{"jsonrpc":"1.0","id":1,"method":"core.ping"}`, want: invalidRequest("'jsonrpc' member must be of type string and must be exactly '2.0'", "1")},
	{name: "jsonrpc as number", send: `{"jsonrpc":2.0,"id":1,"method":"core.ping"}`, want: invalidRequest("'jsonrpc' member must be of type string and must be exactly '2.0'", "1")},
	{name: "jsonrpc missing", send: `{"id":1,"method":"core.ping"}`, want: invalidRequest("Missing 'jsonrpc' member", "1")},
	{name: "jsonrpc checked before id", send: `{"id":1.5,"method":"core.ping"}`, want: invalidRequest("Missing 'jsonrpc' member", "1.5")},
	{name: "method missing", send: `{"jsonrpc":"2.0","id":1}`, want: invalidRequest("Missing 'method' member", "1")},
	{name: "method empty", send: `{"jsonrpc":"2.0","id":1,"method":""}`, want: invalidRequest("'method' member must be of type string", "1")},
	{name: "method not a string", send: `{"jsonrpc":"2.0","id":1,"method":5}`, want: invalidRequest("'method' member must be of type string", "1")},
	{name: "object params", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":{}}`, want: invalidRequest("'params' member must be of type array", "1")},
	{name: "null params", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":null}`, want: invalidRequest("'params' member must be of type array", "1")},
	{name: "string params", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":"x"}`, want: invalidRequest("'params' member must be of type array", "1")},
	{name: "unknown method", send: `{"jsonrpc":"2.0","id":5,"method":"pool.query"}`, want: `{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method does not exist"},"id":5}`},
	{name: "unknown method checked before params", send: `{"jsonrpc":"2.0","id":5,"method":"nope","params":[1,2]}`, want: `{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method does not exist"},"id":5}`},
	{name: "notification of unknown method", send: `{"jsonrpc":"2.0","method":"pool.query"}`},
	{name: "notification of ping", send: `{"jsonrpc":"2.0","method":"core.ping"}`},
	{name: "notification with bad jsonrpc", send: `{"jsonrpc":"1.0","method":"core.ping"}`},
	{name: "notification with object params", send: `{"jsonrpc":"2.0","method":"core.ping","params":{}}`},
	{name: "notification needing login", send: `{"jsonrpc":"2.0","method":"system.version"}`},
	{name: "malformed JSON", send: `{`, wantPrefix: "Invalid JSON: "},
	{name: "trailing garbage", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping"} x`, wantPrefix: "Invalid JSON: "},
	{name: "NaN is not JSON", send: `{"jsonrpc":"2.0","id":NaN,"method":"core.ping"}`, wantPrefix: "Invalid JSON: "},
	{name: "raw control character", send: "{\"jsonrpc\":\"2.0\",\"id\":\"a\tb\",\"method\":\"core.ping\"}", wantPrefix: "Invalid JSON: "},
	{name: "nesting deeper than 64", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","x":` + nested(64) + `}`, wantPrefix: "Invalid JSON: "},
	{name: "nesting of 64 accepted", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","x":` + nested(63) + `}`, want: pong},
	{name: "malformed ejson date", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":[{"$date":"soon"}]}`, wantPrefix: "Error parsing $date: "},
	{name: "malformed ejson time", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":[{"$time":"1.5"}]}`, wantPrefix: "Error parsing $time: "},
	{name: "malformed ejson set", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":[{"$set":[[1]]}]}`, wantPrefix: "Error parsing $set: "},
	{name: "empty batch", send: `[]`, want: parseError("Batch messages are not supported at this time")},
	{name: "batch of requests", send: `[{"jsonrpc":"2.0","id":1,"method":"core.ping"}]`, want: parseError("Batch messages are not supported at this time")},
	{name: "string message", send: `"abc"`, want: parseError("Invalid Message Format")},
	{name: "number message", send: `5`, want: parseError("Invalid Message Format")},
	{name: "null message", send: `null`, want: parseError("Invalid Message Format")},
	{name: "too many arguments", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":[1]}`,
		want: invalidParams("[EINVAL] : Too many arguments (expected 0, found 1)\n", `[["","Too many arguments (expected 0, found 1)",22]]`)},
	{name: "set_options handshake", send: `{"jsonrpc":"2.0","id":1,"method":"core.set_options","params":[{"legacy_jobs":false}]}`,
		want: `{"jsonrpc":"2.0","id":1,"result":{"legacy_jobs":false,"private_methods":false,"py_exceptions":false}}`},
	{name: "set_options ignores unknown keys", send: `{"jsonrpc":"2.0","id":1,"method":"core.set_options","params":[{"py_exceptions":true,"zzz":1}]}`,
		want: `{"jsonrpc":"2.0","id":1,"result":{"legacy_jobs":true,"private_methods":false,"py_exceptions":true}}`},
	{name: "set_options on v25.04.0 returns null", version: "v25.04.0", send: `{"jsonrpc":"2.0","id":1,"method":"core.set_options","params":[{"legacy_jobs":false}]}`,
		want: `{"jsonrpc":"2.0","id":1,"result":null}`},
	{name: "set_options wrong type", send: `{"jsonrpc":"2.0","id":1,"method":"core.set_options","params":[{"legacy_jobs":1}]}`,
		want: invalidParams("[EINVAL] options.legacy_jobs: Input should be a valid boolean\n", `[["options.legacy_jobs","Input should be a valid boolean",22]]`)},
	{name: "set_options not an object", send: `{"jsonrpc":"2.0","id":1,"method":"core.set_options","params":["x"]}`,
		want: invalidParams("[EINVAL] options: Input should be a valid dictionary\n", `[["options","Input should be a valid dictionary",22]]`)},
	{name: "set_options missing argument", send: `{"jsonrpc":"2.0","id":1,"method":"core.set_options"}`,
		want: invalidParams("[EINVAL] options: Field required\n", `[["options","Field required",22]]`)},
	{name: "set_options decoded set is not an object", send: `{"jsonrpc":"2.0","id":1,"method":"core.set_options","params":[{"$set":[1]}]}`,
		want: invalidParams("[EINVAL] options: Input should be a valid dictionary\n", `[["options","Input should be a valid dictionary",22]]`)},
	{name: "ping needs login on v25.04.0", version: "v25.04.0", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping"}`, want: notAuthError},
	{name: "system.version needs login", send: `{"jsonrpc":"2.0","id":1,"method":"system.version"}`, want: notAuthError},
	{name: "login checked before params", send: `{"jsonrpc":"2.0","id":1,"method":"core.subscribe","params":[1,2,3]}`, want: notAuthError},
	{name: "get_methods needs login", send: `{"jsonrpc":"2.0","id":1,"method":"core.get_methods"}`, want: notAuthError},
	{name: "binary frame", binary: true, send: `{"jsonrpc":"2.0","id":1,"method":"core.ping"}`,
		close: websocket.StatusUnsupportedData, reason: "Invalid websocket message type: <WSMsgType.BINARY: 2>"},
	{name: "anonymous message over 8192 characters", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","x":"` + strings.Repeat("a", 9000) + `"}`,
		close: websocket.StatusInvalidFramePayloadData, reason: "Anonymous connection max message length is 8 kB"},
	{name: "anonymous invalid JSON over 8192 characters", send: strings.Repeat("{", 9000),
		close: websocket.StatusInvalidFramePayloadData, reason: "Anonymous connection max message length is 8 kB"},
	{name: "anonymous limit counts characters not bytes", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","x":"` + strings.Repeat("é", 8192-54) + `"}`, want: pong},
	{name: "invalid UTF-8", send: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"core.ping\",\"x\":\"\xff\"}",
		close: websocket.StatusInvalidFramePayloadData, reason: "Invalid UTF-8 in text message"},
	{name: "message over 2 MiB", send: strings.Repeat(" ", 3<<20),
		close: websocket.StatusInvalidFramePayloadData, reason: "Anonymous connection max message length is 8 kB"},
}

func TestProtocol(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	for _, tc := range protoCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runProtoCase(t, srv, tc, false)
		})
	}
}

// runProtoCase sends tc on a fresh connection (logged in as the
// administrator when login is set) and checks the answer. Unless the
// server closes the connection, a probe call must be answered next: the
// connection stays open, and a request that gets no reply sends nothing.
func runProtoCase(t *testing.T, srv *apptest.Server, tc protoCase, login bool) {
	t.Helper()
	version := tc.version
	if version == "" {
		version = "current"
	}
	c := apptest.MustDial(t, srv.WSURL(version))
	if login {
		c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	}
	if tc.binary {
		c.SendBinary([]byte(tc.send))
	} else {
		c.Send(tc.send)
	}
	if tc.close != 0 {
		c.ExpectClose(tc.close, tc.reason)
		return
	}
	checkReply(t, c, tc)
	c.Send(`{"jsonrpc":"2.0","id":"probe","method":"core.set_options","params":[{}]}`)
	if got := c.Read(); got["id"] != "probe" {
		t.Fatalf("probe: got %s", apptest.String(got))
	}
}

func checkReply(t *testing.T, c *apptest.Client, tc protoCase) {
	t.Helper()
	if tc.anyResult {
		if r := c.Read(); r["error"] != nil {
			t.Fatalf("got %s", apptest.String(r))
		}
		return
	}
	if tc.want == "" && tc.wantPrefix == "" {
		return
	}
	got := c.Read()
	if tc.wantPrefix != "" {
		e, _ := got["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if got["id"] != nil || e["code"] != json.Number("-32700") || !strings.HasPrefix(msg, tc.wantPrefix) || e["data"] != nil {
			t.Fatalf("got %s, want -32700 with message %q...", apptest.String(got), tc.wantPrefix)
		}
		return
	}
	want := apptest.Decode(t, []byte(tc.want))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %s\nwant %s", apptest.String(got), apptest.String(want))
	}
}
