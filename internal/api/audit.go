package api

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

var errRemoteController = keyward.Errorf(keyward.EOPNOTSUPP, "remote_controller: not supported by this server")

func (d *Handlers) auditMethod() *rpc.Method {
	data := schema.Object(
		schema.Opt("services", schema.List(schema.Enum("MIDDLEWARE", "SMB", "SUDO", "SYSTEM")), []any{"MIDDLEWARE", "SUDO"}),
		schema.Opt("query-filters", filtersSchema, []any{}),
		schema.Opt("query-options", schema.Object(optionsFields(keyward.Current)...).Named("QueryOptions"), map[string]any{}),
		schema.Opt("remote_controller", schema.Bool(), false),
	)
	return &rpc.Method{
		Name: "audit.query", Summary: "Query the audit trail.",
		Description: "Queries METHOD_CALL and AUTHENTICATION records (only the MIDDLEWARE service has records); default order is time ascending.",
		Params:      []schema.Field{schema.Opt("data", data, map[string]any{})},
		Result:      schema.AnyOf(schema.List(schema.Map()), schema.Map(), schema.Int()),
		Roles:       []keyward.Role{keyward.SystemAuditRead},
		Errors:      []rpc.ErrorDoc{{Code: rpc.CodeCallError, Errno: keyward.EOPNOTSUPP, Message: errRemoteController.Reason()}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			in := c.Params[0].(map[string]any)
			if in["remote_controller"] == true {
				return nil, errRemoteController
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
