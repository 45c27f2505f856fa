package api

import (
	"context"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

func coreMethods(r *rpc.Registry) []*rpc.Method {
	return []*rpc.Method{pingMethod(), setOptionsMethod(), subscribeMethod(r), unsubscribeMethod(),
		getMethodsMethod(r), getJobsMethod()}
}

var jobsEvent = &rpc.Event{
	Name: "core.get_jobs",
	Description: "Job updates. Keyward runs no jobs, so this event never fires; it is accepted " +
		"so that clients which subscribe to it on connect keep working.",
}

func pingMethod() *rpc.Method {
	return &rpc.Method{
		Name:        "core.ping",
		Inline:      true,
		Summary:     "Check that the server answers.",
		Description: "Returns `pong`. Needs no login from v25.10.0 on (rate limited before login); on v25.04.x it needs an authenticated connection.",
		Result:      schema.Const("pong"),
		Access:      rpc.NoAuth,
		Versions:    map[keyward.Version]rpc.VersionSpec{keyward.V25_04: {Access: access(rpc.NeedLogin)}},
		Examples:    []rpc.Example{{Name: "ping", Params: []any{}, Result: "pong"}},
		Handler:     func(context.Context, *rpc.Call) (any, error) { return "pong", nil },
	}
}

var optionsSchema = schema.Object(
	schema.Maybe("legacy_jobs", schema.Bool()),
	schema.Maybe("private_methods", schema.Bool()),
	schema.Maybe("py_exceptions", schema.Bool()),
).Extra()

func setOptionsMethod() *rpc.Method {
	result := schema.Object(
		schema.Req("legacy_jobs", schema.Bool()),
		schema.Req("private_methods", schema.Bool()),
		schema.Req("py_exceptions", schema.Bool()),
	)
	return &rpc.Method{
		Name:    "core.set_options",
		Inline:  true,
		Summary: "Set options of this connection.",
		Description: "Stores `legacy_jobs`, `private_methods` and `py_exceptions` for the connection; " +
			"unknown keys are ignored. The options change nothing observable: Keyward has no jobs and never " +
			"sends `py_exception`. Returns the current options (from v25.10.0 on) or null (v25.04.x). Never rate limited.",
		Params:      []schema.Field{schema.Req("options", optionsSchema)},
		Result:      result,
		Access:      rpc.NoAuth,
		NoRateLimit: true,
		Versions:    map[keyward.Version]rpc.VersionSpec{keyward.V25_04: {Result: schema.Null()}},
		Examples: []rpc.Example{{Name: "handshake", Params: []any{map[string]any{"legacy_jobs": false}},
			Result: map[string]any{"legacy_jobs": false, "private_methods": false, "py_exceptions": false}}},
		Handler: setOptions,
	}
}

func setOptions(_ context.Context, c *rpc.Call) (any, error) {
	var in struct {
		LegacyJobs     *bool `json:"legacy_jobs"`
		PrivateMethods *bool `json:"private_methods"`
		PyExceptions   *bool `json:"py_exceptions"`
	}
	if err := schema.Decode(c.Params[0], &in); err != nil {
		return nil, err
	}
	o := c.Conn.Options()
	for _, f := range []struct {
		in  *bool
		dst *bool
	}{{in.LegacyJobs, &o.LegacyJobs}, {in.PrivateMethods, &o.PrivateMethods}, {in.PyExceptions, &o.PyExceptions}} {
		if f.in != nil {
			*f.dst = *f.in
		}
	}
	c.Conn.SetOptions(o)
	if c.Caller.Version == keyward.V25_04 {
		return nil, nil
	}
	return map[string]any{
		"legacy_jobs": o.LegacyJobs, "private_methods": o.PrivateMethods, "py_exceptions": o.PyExceptions,
	}, nil
}

func subscribeMethod(r *rpc.Registry) *rpc.Method {
	return &rpc.Method{
		Name:    "core.subscribe",
		Summary: "Subscribe to an event.",
		Description: "Returns a new subscription id (a UUID). The event's role must be held. `*` subscribes to " +
			"every event and needs FULL_ADMIN; unknown names are accepted for FULL_ADMIN callers only. " +
			"Events arrive as `collection_update` notifications.",
		Params:   []schema.Field{schema.Req("event", schema.String().Len(1, 0))},
		Result:   schema.String().Desc("Subscription id."),
		Access:   rpc.NeedLogin,
		Examples: []rpc.Example{{Name: "jobs", Params: []any{"core.get_jobs"}, Result: "3f1c9a3e-5f7a-4d0e-9c43-0b8e9c1f2a77"}},
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			name := c.Params[0].(string)
			if !maySubscribe(r, c.Caller.Roles, name) {
				return nil, keyward.ErrNotAuthorized
			}
			return c.Conn.Subscribe(name), nil
		},
	}
}

// maySubscribe applies protocol.md section 9: FULL_ADMIN may subscribe to
// anything; others only to known events whose role they hold.
func maySubscribe(r *rpc.Registry, roles keyward.RoleSet, name string) bool {
	if roles.Has(keyward.FullAdmin) {
		return true
	}
	ev := r.Event(rpc.EventName(name))
	if ev == nil || strings.HasPrefix(name, "*") {
		return false
	}
	return ev.Allows(roles)
}

func unsubscribeMethod() *rpc.Method {
	return &rpc.Method{
		Name:        "core.unsubscribe",
		Inline:      true,
		Summary:     "Remove a subscription.",
		Description: "Removes one subscription by id. An unknown id is ignored.",
		Params:      []schema.Field{schema.Req("id_", schema.String())},
		Result:      schema.Null(),
		Access:      rpc.NeedLogin,
		Examples:    []rpc.Example{{Name: "unknown id", Params: []any{"nope"}, Result: nil}},
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			c.Conn.Unsubscribe(c.Params[0].(string))
			return nil, nil
		},
	}
}
