package docs

import (
	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

// OpenRPC returns the OpenRPC 1.3 document of one API path (protocol.md
// 14.4): one entry per method of its version, params by position, with
// the schemas params validation uses. The server URL is relative (OpenRPC
// allows it: relative to where the document is served), so no request
// header such as Host can put another site's address into it.
func OpenRPC(reg *rpc.Registry, p keyward.Path) map[string]any {
	var methods []any
	for _, s := range reg.Specs(p.Version()) {
		methods = append(methods, openrpcMethod(s))
	}
	var events []any
	for _, e := range reg.Events() {
		events = append(events, map[string]any{"name": e.Name, "roles": stringsAny(roleNames(e.Roles))})
	}
	return map[string]any{
		"openrpc": "1.3.2",
		"info":    map[string]any{"title": "Keyward API", "version": string(p), "description": "JSON-RPC 2.0 over WebSocket"},
		"servers": []any{map[string]any{"name": "websocket", "url": "/api/" + string(p)}},
		"methods": methods, "x-keyward-events": events,
	}
}

func openrpcMethod(s *rpc.Spec) map[string]any {
	params := make([]any, len(s.Params))
	for i, p := range s.Params {
		params[i] = map[string]any{"name": p.Name, "required": p.Required, "schema": schema.FieldJSON(p)}
	}
	var errs []any
	for _, e := range errorsOf(s) {
		errs = append(errs, map[string]any{"code": e.Code, "message": e.Message, "data": map[string]any{"error": int(e.Errno), "errname": e.Errno.Name()}})
	}
	m := map[string]any{
		"name": s.Name, "summary": s.Summary, "description": s.Description, "paramStructure": "by-position",
		"params": params, "result": map[string]any{"name": "result", "schema": s.Result.JSON()},
		"errors": errs, "examples": openrpcExamples(s), "x-keyward-roles": stringsAny(roleNames(s.Roles)),
		"x-keyward-auth": authKind(s),
	}
	return m
}

func openrpcExamples(s *rpc.Spec) []any {
	out := []any{}
	for _, e := range s.Examples {
		params := make([]any, len(e.Params))
		for i, p := range e.Params {
			name := "param"
			if i < len(s.Params) {
				name = s.Params[i].Name
			}
			params[i] = map[string]any{"name": name, "value": p}
		}
		ex := map[string]any{"name": e.Name, "params": params}
		if e.Err != nil {
			ex["description"] = "Answered with the error " + errorText(e.Err)
		} else {
			ex["result"] = map[string]any{"name": "result", "value": e.Result}
		}
		out = append(out, ex)
	}
	return out
}

func errorText(err error) string {
	obj := rpc.ErrorObject(err)
	if d, ok := obj["data"].(map[string]any); ok {
		return d["reason"].(string)
	}
	return obj["message"].(string)
}

func stringsAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
