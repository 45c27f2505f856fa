package rpc

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/ejson"
)

// request is a message that passed the checks of protocol.md section 3.
type request struct {
	id     any  // decoded id (json.Number keeps its literal)
	hasID  bool // false: a notification, never answered
	method string
	params []any
	// login calls hold a ticket of the connection's login turnstile.
	login  bool
	ticket uint64
	// start is when the message arrived; obs records the call (nil until
	// the method is known to be registered).
	start time.Time
	obs   CallObserver
}

// parseError returns the -32700 error for a text that is not a JSON object.
func parseError(err error) *protocolError {
	var fe *ejson.FormError
	if errors.As(err, &fe) {
		return &protocolError{CodeInvalidJSON, fe.Error()}
	}
	return &protocolError{CodeInvalidJSON, "Invalid JSON: " + err.Error()}
}

var (
	errBatch         = &protocolError{CodeInvalidJSON, "Batch messages are not supported at this time"}
	errFormat        = &protocolError{CodeInvalidJSON, "Invalid Message Format"}
	errNoJSONRPC     = &protocolError{CodeInvalidRequest, "Missing 'jsonrpc' member"}
	errBadJSONRPC    = &protocolError{CodeInvalidRequest, "'jsonrpc' member must be of type string and must be exactly '2.0'"}
	errBadID         = &protocolError{CodeInvalidRequest, "'id' member must be of type null, string or number"}
	errNoMethod      = &protocolError{CodeInvalidRequest, "Missing 'method' member"}
	errBadMethod     = &protocolError{CodeInvalidRequest, "'method' member must be of type string"}
	errBadParams     = &protocolError{CodeInvalidRequest, "'params' member must be of type array"}
	errMethodMissing = &protocolError{CodeMethodNotFound, msgMethodNotFound}
	errTooManyCalls  = &protocolError{CodeTooManyCalls, msgTooManyCalls}
)

// checkShape applies steps 3 and 4: the decoded value must be an object.
func checkShape(v any) (*ejson.Object, error) {
	switch x := v.(type) {
	case []any:
		return nil, errBatch
	case *ejson.Object:
		return x, nil
	}
	return nil, errFormat
}

// checkRequest applies steps 5 to 10 to a JSON object. The returned request
// carries the id even when an error is returned, so the error can echo it.
func checkRequest(obj *ejson.Object) (*request, error) {
	req := &request{}
	req.id, req.hasID = obj.Get("id")
	v, ok := obj.Get("jsonrpc")
	if !ok {
		return req, errNoJSONRPC
	}
	if v != "2.0" {
		return req, errBadJSONRPC
	}
	if req.hasID && !validID(req.id) {
		return req, errBadID
	}
	m, ok := obj.Get("method")
	if !ok {
		return req, errNoMethod
	}
	if req.method, ok = m.(string); !ok || req.method == "" {
		return req, errBadMethod
	}
	p, ok := obj.Get("params")
	if !ok {
		req.params = []any{}
		return req, nil
	}
	if req.params, ok = p.([]any); !ok {
		return req, errBadParams
	}
	return req, nil
}

// validID accepts null, strings, booleans and integer literals.
func validID(id any) bool {
	switch x := id.(type) {
	case nil, string, bool:
		return true
	case json.Number:
		return !strings.ContainsAny(string(x), ".eE")
	}
	return false
}
