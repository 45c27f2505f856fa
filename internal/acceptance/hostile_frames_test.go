package acceptance_test

import (
	"strings"

	"github.com/coder/websocket"
)

const (
	ping         = `{"jsonrpc":"2.0","id":1,"method":"core.ping"}`
	binaryReason = "Invalid websocket message type: <WSMsgType.BINARY: 2>"
	utf8Reason   = "Invalid UTF-8 in text message"
	anonReason   = "Anonymous connection max message length is 8 kB"
	authReason   = "Max message length is 64 kB"
	idMsg        = "'id' member must be of type null, string or number"
)

// padded returns a ping request padded with an extra member to exactly n
// characters (n is at least 60).
func padded(n int, pad string) string {
	head := `{"jsonrpc":"2.0","id":1,"method":"core.ping","x":"`
	return head + strings.Repeat(pad, n-len(head)-2) + `"}`
}

// withRaw puts raw text into a ping request as the value of member x.
func withRaw(raw string) string {
	return `{"jsonrpc":"2.0","id":1,"method":"core.ping","x":` + raw + `}`
}

// frameCases: WebSocket frames and the size limits (protocol.md 2).
func frameCases() []hostileCase {
	return []hostileCase{
		{name: "binary frame", send: ping, binary: true, close: websocket.StatusUnsupportedData, reason: binaryReason},
		{name: "empty binary frame", send: "", binary: true, close: websocket.StatusUnsupportedData, reason: binaryReason},
		hostileCase{name: "binary frame after login", send: ping, binary: true, close: websocket.StatusUnsupportedData, reason: binaryReason}.authed(),
		parseErr("empty text frame", "", "Invalid JSON: "),
		parseErr("whitespace-only frame", " \n\t\r ", "Invalid JSON: "),
		closes("invalid UTF-8: lone continuation byte", withRaw("\"\x80\""), websocket.StatusInvalidFramePayloadData, utf8Reason),
		closes("invalid UTF-8: overlong slash", withRaw("\"\xc0\xaf\""), websocket.StatusInvalidFramePayloadData, utf8Reason),
		closes("invalid UTF-8: encoded surrogate", withRaw("\"\xed\xa0\x80\""), websocket.StatusInvalidFramePayloadData, utf8Reason),
		closes("invalid UTF-8: truncated at the end", ping[:len(ping)-1]+"\xe2\x82", websocket.StatusInvalidFramePayloadData, utf8Reason),
		closes("invalid UTF-8: not JSON at all", "\xff\xfe\xfd", websocket.StatusInvalidFramePayloadData, utf8Reason),
		closes("invalid UTF-8: beyond U+10FFFF", withRaw("\"\xf4\x90\x80\x80\""), websocket.StatusInvalidFramePayloadData, utf8Reason),
		closes("invalid UTF-8 in a key", "{\"\xff\":1}", websocket.StatusInvalidFramePayloadData, utf8Reason),
		closes("invalid UTF-8 after login", withRaw("\"\xff\""), websocket.StatusInvalidFramePayloadData, utf8Reason).authed(),
		closes("invalid UTF-8 before the size check", padded(9000, "a")+"\xff", websocket.StatusInvalidFramePayloadData, utf8Reason),
		okResult("anonymous 8192 characters", padded(8192, "a"), `"pong"`),
		closes("anonymous 8193 characters", padded(8193, "a"), websocket.StatusInvalidFramePayloadData, anonReason),
		okResult("anonymous 8192 characters of 3 bytes", padded(8192, "€"), `"pong"`),
		closes("anonymous 8193 characters of 4 bytes", padded(8193, "😀"), websocket.StatusInvalidFramePayloadData, anonReason),
		closes("anonymous huge string", call("core.ping", `"`+strings.Repeat("x", 100000)+`"`), websocket.StatusInvalidFramePayloadData, anonReason),
		closes("anonymous 3 MiB", strings.Repeat("[", 3<<20), websocket.StatusInvalidFramePayloadData, anonReason),
		okResult("authenticated 65536 characters", padded(65536, "a"), `"pong"`).authed(),
		closes("authenticated 65537 characters", padded(65537, "a"), websocket.StatusMessageTooBig, authReason).authed(),
		closes("authenticated huge string param", call("api_key.create", `{"name":"`+strings.Repeat("n", 70000)+`","username":"admin"}`),
			websocket.StatusMessageTooBig, authReason).authed(),
		closes("authenticated over 2 MiB", padded(2<<20+1, "a"), websocket.StatusMessageTooBig, authReason).authed(),
		parseErr("authenticated 70000 characters of invalid JSON", `{"a":"`+strings.Repeat("a", 70000), "Invalid JSON: ").authed(),
		notObject("authenticated 70000-character batch", "["+strings.Repeat("1,", 35000)+"1]", "Batch messages are not supported at this time").authed(),
		notObject("authenticated 70000-character string", `"`+strings.Repeat("s", 70000)+`"`, "Invalid Message Format").authed(),
	}
}

// fragmentCases: a message in several frames is checked after
// reassembly (protocol.md 2).
func fragmentCases() []hostileCase {
	frag := func(name string, parts ...string) hostileCase { return hostileCase{name: name, fragments: parts} }
	big := padded(8193, "a")
	bin := frag("binary message in fragments", `{"jsonrpc":`, `"2.0","id":1,"method":"core.ping"}`)
	bin.binary, bin.close, bin.reason = true, websocket.StatusUnsupportedData, binaryReason
	return []hostileCase{
		okAs(frag("request in three fragments", `{"jsonrpc":"2.0",`, `"id":1,`, `"method":"core.ping"}`), `"pong"`),
		okAs(frag("empty fragments around a request", "", ping, "", ""), `"pong"`),
		okAs(frag("character split across fragments", `{"jsonrpc":"2.0","id":1,"method":"core.ping","x":"`+"\xe2\x82", "\xac\"}"), `"pong"`),
		closeAs(frag("invalid UTF-8 across fragments", `{"jsonrpc":"2.0","id":1,"method":"core.ping","x":"`+"\xe2\x82", "\x41\"}"),
			websocket.StatusInvalidFramePayloadData, utf8Reason),
		closeAs(frag("anonymous fragments over 8192 characters", big[:4000], big[4000:]), websocket.StatusInvalidFramePayloadData, anonReason),
		closeAs(frag("authenticated fragments over 64 kB", padded(40000, "a")[:39998], strings.Repeat("b", 30000)+`"}`),
			websocket.StatusMessageTooBig, authReason).authed(),
		bin,
	}
}

func okAs(h hostileCase, result string) hostileCase { h.ok, h.result = true, result; return h }

func closeAs(h hostileCase, code websocket.StatusCode, reason string) hostileCase {
	h.close, h.reason = code, reason
	return h
}

// jsonCases: texts that are not JSON as Go parses it (protocol.md 3).
func jsonCases() []hostileCase {
	deepArrays := strings.Repeat("[", 65) + strings.Repeat("]", 65)
	deepObjects := strings.Repeat(`{"a":`, 65) + "1" + strings.Repeat("}", 65)
	return []hostileCase{
		parseErr("nesting of 65 arrays", withRaw(deepArrays), "Invalid JSON: "),
		parseErr("nesting of 65 objects", withRaw(deepObjects), "Invalid JSON: "),
		okResult("nesting of 64 objects", withRaw(strings.Repeat(`{"a":`, 63)+"1"+strings.Repeat("}", 63)), `"pong"`),
		parseErr("60000 unclosed brackets", strings.Repeat("[", 60000), "Invalid JSON: ").authed(),
		parseErr("60000 unclosed braces", strings.Repeat(`{"a":`, 12000), "Invalid JSON: ").authed(),
		parseErr("raw NUL between tokens", "{\"jsonrpc\":\"2.0\",\x00\"id\":1,\"method\":\"core.ping\"}", "Invalid JSON: "),
		parseErr("raw NUL in a string", withRaw("\"a\x00b\""), "Invalid JSON: "),
		parseErr("raw newline in a string", withRaw("\"a\nb\""), "Invalid JSON: "),
		parseErr("unterminated string", `{"jsonrpc":"2.0","id":1,"method":"core.ping`, "Invalid JSON: "),
		parseErr("trailing comma", `{"jsonrpc":"2.0","id":1,"method":"core.ping",}`, "Invalid JSON: "),
		parseErr("single quotes", `{'jsonrpc':'2.0','id':1,'method':'core.ping'}`, "Invalid JSON: "),
		parseErr("comment", `{"jsonrpc":"2.0","id":1,"method":"core.ping"} // hi`, "Invalid JSON: "),
		parseErr("leading zero", `{"jsonrpc":"2.0","id":01,"method":"core.ping"}`, "Invalid JSON: "),
		parseErr("Infinity", withRaw("Infinity"), "Invalid JSON: "),
		parseErr("negative Infinity", withRaw("-Infinity"), "Invalid JSON: "),
		parseErr("hex number", withRaw("0x10"), "Invalid JSON: "),
		parseErr("plus sign", withRaw("+1"), "Invalid JSON: "),
		parseErr("lone minus", withRaw("-"), "Invalid JSON: "),
		parseErr("fraction without digits", withRaw("1."), "Invalid JSON: "),
		parseErr("byte order mark", "\ufeff"+ping, "Invalid JSON: "),
		parseErr("two objects", ping+ping, "Invalid JSON: "),
		parseErr("invalid escape", withRaw(`"\x41"`), "Invalid JSON: "),
		parseErr("short unicode escape", withRaw(`"\u12"`), "Invalid JSON: "),
		parseErr("unquoted key", `{jsonrpc:"2.0","id":1,"method":"core.ping"}`, "Invalid JSON: "),
		parseErr("truncated literal", withRaw("tru"), "Invalid JSON: "),
		notObject("top-level true", "true", "Invalid Message Format"),
		notObject("top-level huge number", strings.Repeat("9", 5000), "Invalid Message Format"),
		notObject("nested empty batch", "[[]]", "Batch messages are not supported at this time"),
		notObject("batch of 10000 numbers", "["+strings.Repeat("0,", 9999)+"0]", "Batch messages are not supported at this time").authed(),
	}
}

// envelopeCases: the members of a request and their types (protocol.md 3).
func envelopeCases() []hostileCase {
	bigInt := "1" + strings.Repeat("0", 400)
	longID := `"` + strings.Repeat("i", 7000) + `"`
	return []hostileCase{
		badRequest("exponent id 1e400", `{"jsonrpc":"2.0","id":1e400,"method":"core.ping"}`, idMsg, "1e400"),
		badRequest("fraction id 1.0", `{"jsonrpc":"2.0","id":1.0,"method":"core.ping"}`, idMsg, "1.0"),
		badRequest("exponent id 1E2", `{"jsonrpc":"2.0","id":1E2,"method":"core.ping"}`, idMsg, "1E2"),
		badRequest("list id", `{"jsonrpc":"2.0","id":[1],"method":"core.ping"}`, idMsg, "[1]"),
		badRequest("empty object id", `{"jsonrpc":"2.0","id":{},"method":"core.ping"}`, idMsg, "{}"),
		okResult("400-digit id", `{"jsonrpc":"2.0","id":`+bigInt+`,"method":"core.ping"}`, `"pong"`).withID(bigInt),
		okResult("negative zero id", `{"jsonrpc":"2.0","id":-0,"method":"core.ping"}`, `"pong"`).withID("-0"),
		okResult("empty string id", `{"jsonrpc":"2.0","id":"","method":"core.ping"}`, `"pong"`).withID(`""`),
		okResult("7000-character id", `{"jsonrpc":"2.0","id":`+longID+`,"method":"core.ping"}`, `"pong"`).withID(longID),
		okResult("false id", `{"jsonrpc":"2.0","id":false,"method":"core.ping"}`, `"pong"`).withID("false"),
		okResult("NUL in id", `{"jsonrpc":"2.0","id":"a\u0000b","method":"core.ping"}`, `"pong"`).withID(`"a\u0000b"`),
		okResult("duplicate id: last wins", `{"jsonrpc":"2.0","id":[1],"id":2,"method":"core.ping"}`, `"pong"`).withID("2"),
		okResult("duplicate method: last wins", `{"jsonrpc":"2.0","id":1,"method":"nope","method":"core.ping"}`, `"pong"`),
		okResult("duplicate jsonrpc: last wins", `{"jsonrpc":"1.0","jsonrpc":"2.0","id":1,"method":"core.ping"}`, `"pong"`),
		okResult("duplicate params: last wins", `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":{},"params":[]}`, `"pong"`),
		okResult("duplicate option: last wins", call("core.set_options", `{"legacy_jobs":1,"legacy_jobs":false}`),
			`{"legacy_jobs":false,"private_methods":false,"py_exceptions":false}`),
		okResult("1000 duplicate keys", withRaw("{"+strings.Repeat(`"k":1,`, 1000)+`"k":2}`), `"pong"`).authed(),
		// Before login a message holds at most 256 JSON values (attack
		// finding F2): the parser stops there, even in what would have been
		// a notification.
		parseErr("1000 duplicate keys before login", withRaw("{"+strings.Repeat(`"k":1,`, 1000)+`"k":2}`), "Invalid JSON: more than 256 values"),
		badRequest("null jsonrpc", `{"jsonrpc":null,"id":1,"method":"core.ping"}`, "'jsonrpc' member must be of type string and must be exactly '2.0'", "1"),
		badRequest("jsonrpc with a space", `{"jsonrpc":"2.0 ","id":1,"method":"core.ping"}`, "'jsonrpc' member must be of type string and must be exactly '2.0'", "1"),
		badRequest("null method", `{"jsonrpc":"2.0","id":1,"method":null}`, "'method' member must be of type string", "1"),
		badRequest("list method", `{"jsonrpc":"2.0","id":1,"method":["core.ping"]}`, "'method' member must be of type string", "1"),
		badRequest("true params", `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":true}`, "'params' member must be of type array", "1"),
		badRequest("number params", `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":5}`, "'params' member must be of type array", "1"),
		badRequest("bad id checked before method", `{"jsonrpc":"2.0","id":0.5,"method":5}`, idMsg, "0.5"),
		noMethod("NUL in method", `{"jsonrpc":"2.0","id":1,"method":"core.ping\u0000"}`),
		noMethod("unpaired surrogate in method", `{"jsonrpc":"2.0","id":1,"method":"core.ping\ud800"}`),
		noMethod("7000-character method", `{"jsonrpc":"2.0","id":1,"method":"`+strings.Repeat("m", 7000)+`"}`),
		noMethod("method differing in case", `{"jsonrpc":"2.0","id":1,"method":"Core.Ping"}`),
		noMethod("method with spaces", `{"jsonrpc":"2.0","id":1,"method":" core.ping"}`),
		silent("notification with everything wrong", `{"jsonrpc":"1.0","method":5,"params":7}`),
		silent("notification of unknown method with huge params", `{"jsonrpc":"2.0","method":"x","params":[`+strings.Repeat(`"p",`, 1500)+`"p"]}`).authed(),
		silent("notification of unknown method with 250 params", `{"jsonrpc":"2.0","method":"x","params":[`+strings.Repeat(`"p",`, 249)+`"p"]}`),
		parseErr("notification with more than 256 values before login", `{"jsonrpc":"2.0","method":"x","params":[`+strings.Repeat(`"p",`, 1500)+`"p"]}`,
			"Invalid JSON: more than 256 values"),
		silent("notification with bad params", `{"jsonrpc":"2.0","method":"api_key.delete","params":["x"]}`).authed(),
	}
}
