package docs

import (
	"encoding/json"
	"fmt"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// indexView is the data of the "index" template.
type indexView struct {
	Page       *page
	Current    bool // the version is also served at /api/current
	Guides     []guide
	Download   string
	Namespaces []namespace
}

// indexData describes the version's front page: the guides and every
// method by namespace with its one-line summary.
func indexData(p *page, reg *rpc.Registry) indexView {
	return indexView{Page: p, Current: p.Path == keyward.CurrentPath, Guides: guides,
		Download: downloadName(p.Path), Namespaces: namespaces(reg, p.Version)}
}

func downloadName(p keyward.Path) string { return "keyward-" + string(p) + "-docs.html" }

// methodView is the data of the "method" template.
type methodView struct {
	Page                      *page
	Anchor, Name, Description string
	Access                    string
	Params                    []paramView
	Call                      string // the combined params schema, as JSON
	Result                    schemaView
	Query                     bool
	Examples                  []exampleView
	Errors                    table
	Try                       *tryView // nil in the single-file download
}

// paramView is one parameter of a method.
type paramView struct {
	Number   int // 1-based position
	Name     string
	Required bool
	Schema   schemaView
}

// exampleView is one example call and its answer, as JSON text.
type exampleView struct{ Name, Request, Response string }

// tryView is the data of the "tryit" panel.
type tryView struct {
	Method, Label string
	Params        string // the first example's params, or []
}

// methodData describes one method's page, in the order of protocol.md
// 14.2; tryIt adds the Try it panel.
func methodData(p *page, s *rpc.Spec, tryIt bool) methodView {
	params, call := paramSchemas(s)
	v := methodView{Page: p, Anchor: anchor(methodPath(s.Name)), Name: s.Name, Description: s.Description,
		Access: AccessText(s), Call: pretty(call), Result: viewSchema(s.Result.JSON()), Query: s.Query,
		Examples: examples(s), Errors: errorsTable(s)}
	for i, prm := range s.Params {
		v.Params = append(v.Params, paramView{Number: i + 1, Name: prm.Name, Required: prm.Required, Schema: viewSchema(params[i])})
	}
	if tryIt {
		v.Try = tryPanel(p, s)
	}
	return v
}

func examples(s *rpc.Spec) []exampleView {
	var out []exampleView
	for _, e := range s.Examples {
		params := e.Params
		if params == nil {
			params = []any{}
		}
		resp := map[string]any{"jsonrpc": "2.0", "id": 1}
		if e.Err != nil {
			resp["error"] = rpc.ErrorObject(e.Err)
		} else {
			resp["result"] = e.Result
		}
		out = append(out, exampleView{Name: e.Name,
			Request:  jsonText(map[string]any{"jsonrpc": "2.0", "id": 1, "method": s.Name, "params": params}),
			Response: jsonText(resp)})
	}
	return out
}

// jsonText formats a response as the server writes it (ejson dates).
func jsonText(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func errorsTable(s *rpc.Spec) table {
	t := table{Head: []string{"Code", "errno", "Message"}}
	for _, e := range errorsOf(s) {
		t.Rows = append(t.Rows, []string{fmt.Sprint(e.Code), e.Errno.Name(), e.Message})
	}
	return t
}

// tryPanel lets a reader sign in and call the method from the page, with
// the web UI's JSON-RPC client (docs.js).
func tryPanel(p *page, s *rpc.Spec) *tryView {
	params := "[]"
	if len(s.Examples) > 0 && s.Examples[0].Params != nil {
		params = compact(s.Examples[0].Params)
	}
	return &tryView{Method: s.Name, Label: p.Label, Params: params}
}
