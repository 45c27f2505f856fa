package rpc_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// protoErr is the exact answer to a message failing a check of protocol.md
// section 3: a code, a message, no data member, the id as sent.
func protoErr(code int, message, id string) string {
	return `{"jsonrpc":"2.0","error":{"code":` + strconv.Itoa(code) + `,"message":` + strconv.Quote(message) + `},"id":` + id + `}`
}

// matches reports whether text equals want, where each "*" in want stands
// for any text (parser details are Keyward's own wording).
func matches(text, want string) bool {
	parts := strings.Split(want, "*")
	if len(parts) == 1 {
		return text == want
	}
	if !strings.HasPrefix(text, parts[0]) || !strings.HasSuffix(text, parts[len(parts)-1]) {
		return false
	}
	rest := text[len(parts[0]) : len(text)-len(parts[len(parts)-1])]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return true
}

// TestMessageChecks sends one message per case on one unauthenticated
// connection and compares the answer byte for byte: the checks of
// protocol.md section 3, in their order, with ids echoed verbatim. A case
// that wants no answer is followed by a marker call whose answer must come
// next.
func TestMessageChecks(t *testing.T) {
	t.Parallel()
	const (
		invalidJSON = rpc.CodeInvalidJSON
		invalidReq  = rpc.CodeInvalidRequest
		noJSONRPC   = "Missing 'jsonrpc' member"
		badJSONRPC  = "'jsonrpc' member must be of type string and must be exactly '2.0'"
		badID       = "'id' member must be of type null, string or number"
		noMethod    = "Missing 'method' member"
		badMethod   = "'method' member must be of type string"
		badParams   = "'params' member must be of type array"
		batch       = "Batch messages are not supported at this time"
		format      = "Invalid Message Format"
	)
	pong := func(id string) string { return `{"jsonrpc":"2.0","result":"pong","id":` + id + `}` }
	cases := []struct {
		name, send, want string // want "" means no answer at all
	}{
		{"OKPing", `{"jsonrpc":"2.0","id":1,"method":"test.ping"}`, pong("1")},
		{"OKEmptyParams", `{"jsonrpc":"2.0","id":2,"method":"test.ping","params":[]}`, pong("2")},
		{"OKExtraMembersIgnored", `{"jsonrpc":"2.0","id":3,"method":"test.ping","x":{"y":[1]}}`, pong("3")},
		{"OKIDString", `{"jsonrpc":"2.0","id":"a\"b","method":"test.ping"}`, pong(`"a\"b"`)},
		{"OKIDNull", `{"jsonrpc":"2.0","id":null,"method":"test.ping"}`, pong("null")},
		{"OKIDBool", `{"jsonrpc":"2.0","id":true,"method":"test.ping"}`, pong("true")},
		{"OKIDHuge", `{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"test.ping"}`, pong("123456789012345678901234567890")},
		{"OKIDNegative", `{"jsonrpc":"2.0","id":-7,"method":"test.ping"}`, pong("-7")},
		{"OKDuplicateKeyLastWins", `{"jsonrpc":"2.0","id":4,"method":"no.such","method":"test.ping"}`, pong("4")},

		{"ErrUnparsable", `{"jsonrpc":"2.0","id":5,`, protoErr(invalidJSON, "Invalid JSON: *", "null")},
		{"ErrTrailingData", `{"jsonrpc":"2.0","id":5,"method":"test.ping"} 1`, protoErr(invalidJSON, "Invalid JSON: *", "null")},
		{"ErrNaN", `{"jsonrpc":"2.0","id":5,"method":"test.echo","params":[NaN]}`, protoErr(invalidJSON, "Invalid JSON: *", "null")},
		{"ErrTooDeep", `{"jsonrpc":"2.0","id":5,"method":"test.echo","params":` + strings.Repeat("[", 65) + strings.Repeat("]", 65) + `}`,
			protoErr(invalidJSON, "Invalid JSON: *", "null")},
		{"ErrBadEjson", `{"jsonrpc":"2.0","id":5,"method":"test.echo","params":[{"$date":"soon"}]}`,
			protoErr(invalidJSON, "Error parsing $date: *", "null")},
		{"ErrBatch", `[{"jsonrpc":"2.0","id":6,"method":"test.ping"}]`, protoErr(invalidJSON, batch, "null")},
		{"ErrEmptyBatch", `[]`, protoErr(invalidJSON, batch, "null")},
		{"ErrString", `"test.ping"`, protoErr(invalidJSON, format, "null")},
		{"ErrNumber", `6`, protoErr(invalidJSON, format, "null")},
		{"ErrNull", `null`, protoErr(invalidJSON, format, "null")},
		{"ErrNoJSONRPC", `{"id":7,"method":"test.ping"}`, protoErr(invalidReq, noJSONRPC, "7")},
		{"ErrJSONRPCNumber", `{"jsonrpc":2.0,"id":8,"method":"test.ping"}`, protoErr(invalidReq, badJSONRPC, "8")},
		{"ErrJSONRPCOld", `{"jsonrpc":"1.0","id":9,"method":"test.ping"}`, protoErr(invalidReq, badJSONRPC, "9")},
		{"ErrIDFraction", `{"jsonrpc":"2.0","id":1.50,"method":"test.ping"}`, protoErr(invalidReq, badID, "1.50")},
		{"ErrIDExponent", `{"jsonrpc":"2.0","id":1e3,"method":"test.ping"}`, protoErr(invalidReq, badID, "1e3")},
		{"ErrIDObject", `{"jsonrpc":"2.0","id":{"a":1},"method":"test.ping"}`, protoErr(invalidReq, badID, `{"a":1}`)},
		{"ErrIDArray", `{"jsonrpc":"2.0","id":[1],"method":"test.ping"}`, protoErr(invalidReq, badID, "[1]")},
		{"ErrNoMethod", `{"jsonrpc":"2.0","id":10}`, protoErr(invalidReq, noMethod, "10")},
		{"ErrMethodEmpty", `{"jsonrpc":"2.0","id":11,"method":""}`, protoErr(invalidReq, badMethod, "11")},
		{"ErrMethodNumber", `{"jsonrpc":"2.0","id":12,"method":7}`, protoErr(invalidReq, badMethod, "12")},
		{"ErrParamsNull", `{"jsonrpc":"2.0","id":13,"method":"test.ping","params":null}`, protoErr(invalidReq, badParams, "13")},
		{"ErrParamsObject", `{"jsonrpc":"2.0","id":14,"method":"test.echo","params":{"value":1}}`, protoErr(invalidReq, badParams, "14")},
		{"ErrUnknownMethod", `{"jsonrpc":"2.0","id":15,"method":"no.such"}`, protoErr(rpc.CodeMethodNotFound, "Method does not exist", "15")},
		{"ErrInvalidParams", `{"jsonrpc":"2.0","id":16,"method":"test.echo","params":[1,2]}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"errname":"EINVAL","error":22,` +
				`"extra":[["","Too many arguments (expected 1, found 2)",22]],"reason":"[EINVAL] : Too many arguments (expected 1, found 2)\n","trace":null}},"id":16}`},

		// The first failing check decides.
		{"OrderBatchBeforeShape", `[1,2]`, protoErr(invalidJSON, batch, "null")},
		{"OrderJSONRPCBeforeID", `{"id":1.5,"method":5}`, protoErr(invalidReq, noJSONRPC, "1.5")},
		{"OrderJSONRPCValueBeforeID", `{"jsonrpc":"2","id":1.5}`, protoErr(invalidReq, badJSONRPC, "1.5")},
		{"OrderIDBeforeMethod", `{"jsonrpc":"2.0","id":[],"method":5}`, protoErr(invalidReq, badID, "[]")},
		{"OrderMethodBeforeParams", `{"jsonrpc":"2.0","id":17,"method":5,"params":null}`, protoErr(invalidReq, badMethod, "17")},
		{"OrderParamsBeforeExistence", `{"jsonrpc":"2.0","id":18,"method":"no.such","params":{}}`, protoErr(invalidReq, badParams, "18")},
		{"OrderExistenceBeforeAuthentication", `{"jsonrpc":"2.0","id":19,"method":"no.whoami"}`,
			protoErr(rpc.CodeMethodNotFound, "Method does not exist", "19")},

		// Notifications (no id member) are never answered, not even with an error.
		{"NoteExecuted", `{"jsonrpc":"2.0","method":"test.ping"}`, ""},
		{"NoteFailingCall", `{"jsonrpc":"2.0","method":"test.whoami"}`, ""},
		{"NoteUnknownMethod", `{"jsonrpc":"2.0","method":"no.such"}`, ""},
		{"NoteNoJSONRPC", `{"method":"test.ping"}`, ""},
		{"NoteEmptyMethod", `{"jsonrpc":"2.0","method":""}`, ""},
		{"NoteBadParams", `{"jsonrpc":"2.0","method":"test.ping","params":1}`, ""},
	}
	f := newFixture(t, rpc.Config{})
	c := f.dial(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			c.send(tc.send)
			want := tc.want
			if want == "" {
				c.send(`{"jsonrpc":"2.0","id":"marker","method":"test.ping"}`)
				want = pong(`"marker"`)
			}
			if got := c.next(); !matches(got, want) {
				t.Fatalf("sent %s\n got %s\nwant %s", tc.send, got, want)
			}
		})
	}
}

// TestMethodNotInVersion: a name served only by a later version fails
// with ENOMETHOD on an older one, after the name check and before
// authentication; a version may open a method to all and change its params.
func TestMethodNotInVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	old, cur := f.dialVersion(t, string(keyward.V25_04)), f.dial(t)
	wantCallError(t, old.call("test.new"), keyward.ENOMETHOD, "[ENOMETHOD] Method 'new' not found in 'test'")
	if got := cur.result("test.new"); got != "new" {
		t.Fatalf("test.new on current: %v", got)
	}
	if r := old.call("no.new"); r.Error == nil || r.Error.Code != rpc.CodeMethodNotFound {
		t.Fatalf("unknown name on v25.04: %s", r.Raw)
	}
	// test.versioned needs a login except on v25.04, which takes one int.
	if got := old.result("test.versioned", 3); !equalJSON(got, []any{3.0}) {
		t.Fatalf("test.versioned on v25.04: %v", got)
	}
	code, d := callErr(t, old.call("test.versioned"))
	if code != rpc.CodeInvalidParams || d.Reason != "[EINVAL] old: Field required\n" {
		t.Fatalf("test.versioned on v25.04 without its param: %d %+v", code, d)
	}
	wantCallError(t, cur.call("test.versioned"), keyward.ENOTAUTHENTICATED, "[ENOTAUTHENTICATED] Not authenticated")
	cur.login("alice")
	if got := cur.result("test.versioned"); !equalJSON(got, []any{}) {
		t.Fatalf("test.versioned on current: %v", got)
	}
}
