package api

import (
	"context"
	"strings"

	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

func getMethodsMethod(r *rpc.Registry) *rpc.Method {
	return &rpc.Method{
		Name:    "core.get_methods",
		Summary: "Describe the methods the caller may call.",
		Description: "Returns an object keyed by method name, listing only methods the caller may call " +
			"(no-login methods included), optionally only those of one namespace. Each value holds the " +
			"description, the JSON Schemas of the positional parameters (`accepts`) and of the result " +
			"(`returns`), the roles granting it and its flags.",
		Params: []schema.Field{
			schema.Opt("service", schema.String().OrNull(), nil).Doc("Only methods whose name starts with `<service>.`."),
			schema.Opt("target", schema.Enum("WS", "CLI", "REST"), "WS"),
		},
		Result: schema.Map().Desc("Method name to description."),
		Access: rpc.NeedLogin,
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			service, _ := c.Params[0].(string)
			out := map[string]any{}
			for _, s := range r.Specs(c.Caller.Version) {
				if service != "" && !strings.HasPrefix(s.Name, service+".") {
					continue
				}
				if s.Access == rpc.NoAuth || s.Allows(c.Caller.Roles) {
					out[s.Name] = MethodInfo(s)
				}
			}
			return out, nil
		},
	}
}

// MethodInfo renders a method as core.get_methods describes it; the docs
// use the same schemas.
func MethodInfo(s *rpc.Spec) map[string]any {
	accepts := make([]any, len(s.Params))
	for i, p := range s.Params {
		accepts[i] = schema.FieldJSON(p)
	}
	roles := []any{}
	for _, name := range s.Granting.Names() {
		roles = append(roles, name)
	}
	return map[string]any{
		"description":       s.Description,
		"cli_description":   s.Description,
		"examples":          examplesJSON(s.Examples),
		"accepts":           accepts,
		"returns":           s.Result.JSON(),
		"roles":             roles,
		"no_auth_required":  s.Access == rpc.NoAuth,
		"no_authz_required": s.Access != rpc.NeedRole,
		"filterable":        s.Query,
		"filterable_schema": nil,
		"job":               false,
		"downloadable":      false,
		"uploadable":        false,
		"check_pipes":       false,
		"pass_application":  false,
		"cli_private":       false,
	}
}

func examplesJSON(examples []rpc.Example) []any {
	out := make([]any, 0, len(examples))
	for _, e := range examples {
		ex := map[string]any{"name": e.Name, "params": e.Params}
		if e.Err != nil {
			ex["error"] = rpc.ErrorObject(e.Err)
		} else {
			ex["result"] = e.Result
		}
		out = append(out, ex)
	}
	return out
}
