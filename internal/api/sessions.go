package api

import (
	"context"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

var sessionEntry = schema.Object(
	schema.Req("id", schema.String()),
	schema.Req("current", schema.Bool()),
	schema.Req("internal", schema.Bool()),
	schema.Req("origin", schema.String()),
	schema.Req("credentials", schema.Enum("LOGIN_PASSWORD", "API_KEY", "TOKEN")),
	schema.Req("credentials_data", schema.Map()),
	schema.Req("created_at", schema.DateTime()),
	schema.Req("secure_transport", schema.Bool()),
).Named("Session")

// sessionEntries lists the sessions of every connection, this node's and
// (in a cluster) the other live nodes', shaped for v.
func (d *Handlers) sessionEntries(ctx context.Context, srv *rpc.Server, current *rpc.Conn, v keyward.Version) ([]map[string]any, error) {
	others, err := d.Svc.OtherNodesSessions(ctx)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, r := range others {
		data := fromTable(r.Data, v != keyward.V25_04)
		out = append(out, map[string]any{
			"id": r.ID, "current": false, "internal": false, "origin": r.Origin,
			"credentials": string(r.Credential), "credentials_data": data,
			"created_at": r.CreatedAt, "secure_transport": r.Secure,
		})
	}
	for _, c := range srv.Conns() {
		s := c.Session()
		if s == nil {
			continue
		}
		creds := d.Svc.CredentialsJSON(s, v != keyward.V25_04)
		out = append(out, map[string]any{
			"id": c.ID(), "current": c == current, "internal": false, "origin": c.Origin().String(),
			"credentials": creds["credentials"], "credentials_data": creds["credentials_data"],
			"created_at": s.LoginAt, "secure_transport": c.Origin().Secure,
		})
	}
	sortByKey(out, "id")
	return out, nil
}

// fromTable returns credentials_data read back from a cluster's session
// table as a local session shows it: login_at a date again (the table
// keeps JSON), and without login ids unless withLoginID (v25.04 has none),
// its parents' alike.
func fromTable(data map[string]any, withLoginID bool) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		switch k {
		case "login_id":
			if !withLoginID {
				continue
			}
		case "login_at":
			if s, ok := v.(string); ok {
				if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
					v = t
				}
			}
		case "parent":
			if p, ok := v.(map[string]any); ok {
				v = fromTable(p, withLoginID)
			}
		}
		out[k] = v
	}
	return out
}

func (d *Handlers) sessionAdminMethods() []*rpc.Method {
	return []*rpc.Method{{
		Name:        "auth.sessions",
		Summary:     "List the sessions.",
		Description: "Lists every authenticated connection's session (query method). `current` marks the caller's own.",
		Params:      queryParams(keyward.Current), Versions: queryVersions(), Query: true,
		Result: listResult(sessionEntry), Roles: []keyward.Role{keyward.AuthSessionsRead},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			entries, err := d.sessionEntries(ctx, c.Conn.Server(), c.Conn, c.Caller.Version)
			if err != nil {
				return nil, err
			}
			return runQuery(c, entries)
		},
	}, {
		Name:        "auth.terminate_session",
		Summary:     "End another session.",
		Description: "Returns false for an unknown id; otherwise true, then that session ends and its connection closes with 1000 `Session terminated`.",
		Params:      []schema.Field{schema.Req("id", schema.String())},
		Result:      schema.Bool(), Roles: []keyward.Role{keyward.AuthSessionsWrite},
		Audit:    func(context.Context, []any) string { return "Terminate session" },
		Examples: []rpc.Example{{Name: "unknown", Params: []any{"nope"}, Result: false}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			id := c.Params[0].(string)
			if terminate(c, func(other *rpc.Conn) bool { return other.ID() == id }) {
				return true, nil
			}
			return d.Svc.TerminateElsewhere(ctx, id)
		},
	}, {
		Name:        "auth.terminate_other_sessions",
		Summary:     "End every other session.",
		Description: "Ends every session except the caller's; their connections close with 1000 `Session terminated`.",
		Result:      schema.Const(true), Roles: []keyward.Role{keyward.AuthSessionsWrite},
		Audit:    func(context.Context, []any) string { return "Terminate other sessions" },
		Examples: []rpc.Example{{Name: "all others", Params: []any{}, Result: true}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			terminate(c, func(other *rpc.Conn) bool { return other != c.Conn })
			d.Svc.DropOtherTokens(c.Caller.Session)
			if err := d.Svc.TerminateOthersEverywhere(ctx, c.Conn.ID()); err != nil {
				return nil, err
			}
			return true, nil
		},
	}}
}

// terminate ends the sessions of the connections match selects, after the
// caller's response is queued, and reports whether there were any.
func terminate(c *rpc.Call, match func(*rpc.Conn) bool) bool {
	found := false
	for _, other := range c.Conn.Server().Conns() {
		s := other.Session()
		if s == nil || !match(other) {
			continue
		}
		found = true
		c.Caller.Defer(func() { other.Terminate(s) })
	}
	return found
}
