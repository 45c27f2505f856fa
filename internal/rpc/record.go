package rpc

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"
)

// refuse answers a message that failed the checks of protocol.md section
// 3, or the concurrency limit, when it has an id, and records it.
func (c *Conn) refuse(req *request, err error) {
	msg, outcome := c.errorMessage(req.id, err)
	c.finish(req, outcome)
	if req.hasID {
		c.send(msg)
	}
}

// finish records a call's outcome and writes its debug line: method,
// outcome, duration and connection, never its params. It runs before the
// answer is sent, so a client that has its answer sees the call counted.
func (c *Conn) finish(req *request, outcome string) {
	obs, name := req.obs, req.method
	if obs == nil {
		if obs = c.srv.calls[name]; obs == nil {
			obs, name = c.srv.calls[UnknownMethod], UnknownMethod
		}
	}
	d := time.Since(req.start)
	obs.Call(outcome, d)
	ctx := context.Background()
	if c.srv.log.Enabled(ctx, slog.LevelDebug) {
		c.srv.log.LogAttrs(ctx, slog.LevelDebug, "call", slog.String("conn", c.id),
			slog.String("method", name), slog.String("outcome", outcome), slog.Duration("duration", d))
	}
}

// logAction writes the info line of an audited call (an administrative
// change, a session termination): the method, its target, the outcome and
// who asked; never its params.
func (s *Server) logAction(rec *callRecord, result any, err error) {
	attrs := make([]slog.Attr, 0, 6)
	attrs = append(attrs, slog.String("method", rec.Method), slog.String("outcome", Outcome(err)))
	if t := target(rec.Params.([]any), result, err == nil); t != nil {
		attrs = append(attrs, slog.Any("target", t))
	}
	attrs = append(attrs, slog.String("description", rec.Description), slog.String("conn", rec.Caller.ConnID))
	if rec.Caller.Session != nil {
		attrs = append(attrs, slog.String("user", rec.Caller.Username))
	}
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "admin action", attrs...)
}

// target is the id an audited call acts on: its first param when that is
// an integer id (update, delete), or a string the call accepted (a
// session id, the administrator's username); else the id member of its
// result (create). params are the redacted params as sent.
func target(params []any, result any, ok bool) any {
	if len(params) > 0 {
		switch p := params[0].(type) {
		case json.Number, int64:
			return p
		case string:
			if ok {
				return p
			}
		}
	}
	if m, isMap := result.(map[string]any); isMap {
		return m["id"]
	}
	return nil
}
