package rpc

import (
	"errors"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/ejson"
)

// JSON-RPC error codes (protocol.md 5.1). Keyward sends no other code.
const (
	CodeInvalidJSON    = -32700
	CodeInvalidRequest = -32600
	CodeMethodNotFound = -32601
	CodeInvalidParams  = -32602
	CodeInternal       = -32603
	CodeTooManyCalls   = -32000
	CodeCallError      = -32001
)

// Limits of a connection (protocol.md sections 2 and 13).
const (
	MaxCallsInFlight   = 20      // executing or waiting calls per connection
	MaxCallsRunning    = 10      // executing calls per connection
	MaxAnonymousChars  = 8192    // message length before login, in code points
	MaxAnonymousValues = 256     // JSON values in a message before login (a login needs about 10)
	MaxAuthorizedChars = 65536   // message length after login, in code points
	MaxMessageBytes    = 2 << 20 // read limit of any message
	MaxQueuedBytes     = 4 << 20 // outgoing bytes waiting before "Client too slow"
)

const (
	msgInvalidParams    = "Invalid params"
	msgCallError        = "Method call error"
	msgSerialize        = "Failed to JSON serialize server message"
	msgMethodNotFound   = "Method does not exist"
	msgTooManyCalls     = "Maximum number of concurrent calls (20) has exceeded"
	reasonAnonymousSize = "Anonymous connection max message length is 8 kB"
	reasonMessageSize   = "Max message length is 64 kB"
	reasonBinary        = "Invalid websocket message type: <WSMsgType.BINARY: 2>"
	reasonUTF8          = "Invalid UTF-8 in text message"
	reasonTooSlow       = "Client too slow"
	reasonTerminated    = "Session terminated"
	reasonShutdown      = "Server shutting down"
	reasonInternal      = "Internal error"
)

// protocolError is an error of the message checks (-32700, -32600, -32601,
// -32000): a code and a message, no data member.
type protocolError struct {
	code    int
	message string
}

func (e *protocolError) Error() string { return e.message }

// encodeError is a result that could not be encoded (-32603).
type encodeError struct{ err error }

func (e *encodeError) Error() string { return e.err.Error() }
func (e *encodeError) Unwrap() error { return e.err }

// wireError maps err to its JSON-RPC code, message and data member. This is
// the one table from errors to the wire; unknown errors become EFAULT and
// report internal=true so the caller logs them.
func wireError(err error) (code int, message string, data map[string]any, internal bool) {
	var pe *protocolError
	var ve *keyward.ValidationError
	var ke *keyward.Error
	var ee *encodeError
	switch {
	case errors.As(err, &pe):
		return pe.code, pe.message, nil, false
	case errors.As(err, &ve):
		return CodeInvalidParams, msgInvalidParams, validationData(ve), false
	case errors.As(err, &ke):
		return CodeCallError, msgCallError, errorData(ke.Errno, ke.Reason(), nil), false
	case errors.As(err, &ee):
		return CodeInternal, msgSerialize, errorData(keyward.EFAULT, "[EFAULT] "+msgSerialize, nil), true
	}
	return CodeCallError, msgCallError, errorData(keyward.EFAULT, keyward.ErrInternal.Reason(), nil), true
}

// ErrorObject returns the JSON-RPC error member for err, as the server
// sends it (the docs render documented errors with it).
func ErrorObject(err error) map[string]any {
	code, message, data, _ := wireError(err)
	out := map[string]any{"code": code, "message": message}
	if data != nil {
		out["data"] = data
	}
	return out
}

// ErrorCode describes one JSON-RPC error code for the documentation.
type ErrorCode struct {
	Code    int
	Name    string
	Message string
	When    string
}

// ErrorCodes lists every code Keyward sends (protocol.md 5.1).
var ErrorCodes = []ErrorCode{
	{CodeInvalidJSON, "INVALID_JSON", "Invalid JSON: <detail>, Batch messages are not supported at this time, Invalid Message Format",
		"unparsable frame, batch, non-object; id null, no data"},
	{CodeInvalidRequest, "INVALID_REQUEST", "the text of the failed request check", "malformed request with an id; no data"},
	{CodeMethodNotFound, "METHOD_NOT_FOUND", msgMethodNotFound, "name unknown in every version (checked before authentication); no data"},
	{CodeInvalidParams, "INVALID_PARAMS", msgInvalidParams, "any validation error: schema or business rule; data.error is 22"},
	{CodeInternal, "INTERNAL_ERROR", msgSerialize, "the result could not be encoded; data.error is 14"},
	{CodeTooManyCalls, "TOO_MANY_CONCURRENT_CALLS", msgTooManyCalls, "more than 20 calls of the connection in flight; no data"},
	{CodeCallError, "CALL_ERROR", msgCallError, "authentication, authorization, rate limit, business and internal errors; data holds the errno"},
}

// ErrorData returns the TrueNAS data object for a call error, as carried by
// notify_unsubscribed notifications too.
func ErrorData(err *keyward.Error) map[string]any {
	return errorData(err.Errno, err.Reason(), nil)
}

func errorData(errno keyward.Errno, reason string, extra any) map[string]any {
	return map[string]any{
		"error": int(errno), "errname": errno.Name(), "reason": reason, "trace": nil, "extra": extra,
	}
}

func validationData(ve *keyward.ValidationError) map[string]any {
	triples := make([]any, len(ve.Fields))
	for i, f := range ve.Fields {
		var attr any = f.Attr
		if f.NullAttr {
			attr = nil
		}
		triples[i] = []any{attr, f.Message, int(f.Errno)}
	}
	return errorData(keyward.EINVAL, ve.Reason(), triples)
}

// appendResult appends a success response. id is the request's decoded id.
func appendResult(buf []byte, id any, result any) ([]byte, error) {
	buf = append(buf, `{"jsonrpc":"2.0","result":`...)
	buf, err := ejson.Append(buf, result)
	if err != nil {
		return nil, &encodeError{err}
	}
	buf = append(buf, `,"id":`...)
	return appendID(buf, id), nil
}

// appendError appends an error response for err.
func appendError(buf []byte, id any, code int, message string, data map[string]any) []byte {
	buf = append(buf, `{"jsonrpc":"2.0","error":{"code":`...)
	buf, _ = ejson.Append(buf, code)
	buf = append(buf, `,"message":`...)
	buf = ejson.AppendString(buf, message)
	if data != nil {
		buf = append(buf, `,"data":`...)
		buf, _ = ejson.Append(buf, data)
	}
	buf = append(buf, `},"id":`...)
	return appendID(buf, id)
}

// appendID echoes the id as sent: a number keeps its literal text.
func appendID(buf []byte, id any) []byte {
	out, err := ejson.Append(buf, ejson.Plain(id))
	if err != nil {
		out = append(buf, "null"...)
	}
	return append(out, '}')
}

// appendNotification appends a server notification.
func appendNotification(buf []byte, method string, params any) ([]byte, error) {
	buf = append(buf, `{"jsonrpc":"2.0","method":`...)
	buf = ejson.AppendString(buf, method)
	buf = append(buf, `,"params":`...)
	buf, err := ejson.Append(buf, params)
	if err != nil {
		return nil, err
	}
	return append(buf, '}'), nil
}
