package docs

import (
	"sort"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

// namespace groups the methods of one namespace, as the index lists them.
type namespace struct {
	Name    string
	Methods []methodRow
}

// methodRow is a method's line on the index.
type methodRow struct{ Name, Summary, Access string }

func namespaces(reg *rpc.Registry, v keyward.Version) []namespace {
	byNS := map[string][]methodRow{}
	for _, s := range reg.Specs(v) {
		byNS[s.Namespace()] = append(byNS[s.Namespace()], methodRow{Name: s.Name, Summary: s.Summary, Access: AccessText(s)})
	}
	var out []namespace
	for name, rows := range byNS {
		out = append(out, namespace{Name: name, Methods: rows})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// AccessText is the method page's access line.
func AccessText(s *rpc.Spec) string {
	switch s.Access {
	case rpc.NoAuth:
		return "No authentication required"
	case rpc.NeedLogin:
		return "Authentication required; no role needed"
	}
	return "Required roles: " + strings.Join(roleNames(s.Roles), ", ")
}

func roleNames(rs []keyward.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

// authKind is x-keyward-auth of OpenRPC.
func authKind(s *rpc.Spec) string {
	switch s.Access {
	case rpc.NoAuth:
		return "none"
	case rpc.NeedLogin:
		return "authenticated"
	}
	return "role"
}

// errorsOf lists the errors a method can return: those every method of its
// kind can, then its own.
func errorsOf(s *rpc.Spec) []rpc.ErrorDoc {
	var out []rpc.ErrorDoc
	if len(s.Params) > 0 {
		out = append(out, rpc.ErrorDoc{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: "Invalid params (schema and business validation)"})
	}
	switch s.Access {
	case rpc.NoAuth:
		if !s.NoRateLimit {
			out = append(out, rpc.ErrorDoc{Code: rpc.CodeCallError, Errno: keyward.EBUSY, Message: keyward.ErrRateLimited.Reason()})
		}
	case rpc.NeedRole:
		out = append(out, rpc.ErrorDoc{Code: rpc.CodeCallError, Errno: keyward.ENOTAUTHENTICATED, Message: keyward.ErrNotAuthenticated.Reason()},
			rpc.ErrorDoc{Code: rpc.CodeCallError, Errno: keyward.EACCES, Message: keyward.ErrNotAuthorized.Reason()})
	default:
		out = append(out, rpc.ErrorDoc{Code: rpc.CodeCallError, Errno: keyward.ENOTAUTHENTICATED, Message: keyward.ErrNotAuthenticated.Reason()})
	}
	if s.Query {
		out = append(out, rpc.ErrorDoc{Code: rpc.CodeCallError, Errno: keyward.EINVAL, Message: keyward.ErrMatchNotFound.Reason()})
	}
	return append(out, s.Errors...)
}

// paramSchemas returns each parameter's schema as core.get_methods shows
// it, and the combined "Call parameters" schema.
func paramSchemas(s *rpc.Spec) ([]map[string]any, map[string]any) {
	out := make([]map[string]any, len(s.Params))
	for i, p := range s.Params {
		out[i] = schema.FieldJSON(p)
	}
	return out, schema.ParamsJSON(s.Params)
}
