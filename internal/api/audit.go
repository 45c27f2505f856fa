package api

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

var errRemoteController = keyward.Errorf(keyward.EOPNOTSUPP, "remote_controller: not supported by this server")

func (d *Handlers) auditMethod() *rpc.Method {
	data := schema.Object(
		schema.Opt("services", schema.List(schema.Enum("MIDDLEWARE", "SMB", "SUDO", "SYSTEM")), []any{"MIDDLEWARE"}).Doc(
			"One service: TrueNAS 25.10.1 and later refuse to query several at once."),
		schema.Opt("query-filters", filtersSchema, []any{}),
		schema.Opt("query-options", schema.Object(optionsFields(keyward.Current)...).Named("QueryOptions"), map[string]any{}),
		schema.Opt("remote_controller", schema.Bool(), false),
	)
	return &rpc.Method{
		Name: "audit.query", Summary: "Query the audit trail.",
		Description: "Queries METHOD_CALL, AUTHENTICATION and LOGOUT records (only the MIDDLEWARE service has records); " +
			"default order is time ascending. As TrueNAS 25.10.1 and later, on every path: one service at most, and " +
			"`query-options` must set `limit`, `count` or `get`; `select` may name only record fields.",
		Params: []schema.Field{schema.Opt("data", data, map[string]any{})},
		Result: schema.AnyOf(schema.List(schema.Map()), schema.Map(), schema.Int()),
		Roles:  []keyward.Role{keyward.SystemAuditRead},
		Errors: []rpc.ErrorDoc{{Code: rpc.CodeCallError, Errno: keyward.EOPNOTSUPP, Message: errRemoteController.Reason()},
			{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: msgAuditServices},
			{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: msgAuditUnbounded}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			in := c.Params[0].(map[string]any)
			opts, _ := in["query-options"].(map[string]any)
			if err := checkAuditQuery(in["services"], opts); err != nil {
				return nil, err
			}
			if in["remote_controller"] == true {
				return nil, errRemoteController
			}
			if err := checkAuditSelect(opts); err != nil {
				return nil, err
			}
			hasMiddleware := false
			for _, s := range in["services"].([]any) {
				hasMiddleware = hasMiddleware || s == "MIDDLEWARE"
			}
			f, o, err := parseQuery(in["query-filters"], in["query-options"], "data.query-filters", "data.query-options")
			if err != nil {
				return nil, err
			}
			if !hasMiddleware {
				return query.Run(nil, nil, o)
			}
			return d.Svc.QueryAudit(ctx, f, o)
		},
	}
}

// The audit.query rules of TrueNAS 25.10.1 and later (versions.md 2.4,
// decision 1), checked in TrueNAS's order before the query is parsed.
const (
	msgAuditServices  = "Querying more than one audit database in a single request is not supported"
	msgAuditUnbounded = "query-options must be set to either gather row count or contain a limit on the rows returned."
)

// auditColumns are the fields of an audit record (api-keys.md 15.2).
var auditColumns = map[string]bool{"audit_id": true, "message_timestamp": true, "timestamp": true, "address": true,
	"username": true, "session": true, "service": true, "service_data": true, "event": true, "event_data": true,
	"success": true}

// checkAuditQuery applies the first rules: one service at most, and a
// limit, count or get.
func checkAuditQuery(services any, opts map[string]any) error {
	if list, _ := services.([]any); len(list) > 1 {
		return keyward.Invalid("audit.query.services", msgAuditServices)
	}
	limit, _ := opts["limit"].(int64)
	if limit == 0 && opts["count"] != true && opts["get"] != true {
		return keyward.Invalid("audit.query.query-options", msgAuditUnbounded)
	}
	return nil
}

// checkAuditSelect refuses select items that name no record field, all of
// them at once. TrueNAS checks the full dotted names against its record
// schemas; Keyward checks the field a name starts with.
func checkAuditSelect(opts map[string]any) error {
	errs := &keyward.ValidationError{}
	sel, _ := opts["select"].([]any)
	for i, item := range sel {
		if pair, ok := item.([]any); ok && len(pair) > 0 {
			item = pair[0]
		}
		name, _ := item.(string)
		if !auditColumns[strings.SplitN(name, ".", 2)[0]] {
			errs.Add("audit.query.query-options.select."+strconv.Itoa(i), pyStr(item)+": column does not exist")
		}
	}
	return errs.Err()
}

// pyStr is Python's str() of a select item, as TrueNAS's message shows it.
func pyStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
