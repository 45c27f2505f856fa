package docs

import (
	"encoding/json"
	"fmt"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// indexPage is the version's front page: the guides and every method by
// namespace with its one-line summary.
func indexPage(p *page, reg *rpc.Registry) {
	p.printf("<h1>Keyward API %s</h1>", esc(string(p.v)))
	p.raw("<p>JSON-RPC 2.0 over WebSocket at <code>/api/" + esc(string(p.v)) + "</code>")
	if p.v == keyward.Current {
		p.raw(" (also <code>/api/current</code>)")
	}
	p.raw(". Every call is validated against the schemas shown here; they are generated from the same registry.</p><ul>")
	for _, pg := range pages {
		p.raw("<li>")
		p.a(pg.name, pg.title)
		p.raw("</li>")
	}
	p.raw("<li>")
	p.a(downloadName(p.v), "Download these pages as one HTML file")
	p.raw("</li></ul>")
	for _, ns := range namespaces(reg, p.v) {
		p.printf(`<h2 id="ns-%s">%s</h2><table><thead><tr><th scope="col">Method</th><th scope="col">Summary</th><th scope="col">Access</th></tr></thead><tbody>`,
			esc(ns.Name), esc(ns.Name))
		for _, s := range ns.Methods {
			p.raw("<tr><td>")
			p.a("methods/"+s.Name+".html", s.Name)
			p.printf("</td><td>%s</td><td>%s</td></tr>", esc(s.Summary), esc(AccessText(s)))
		}
		p.raw("</tbody></table>")
	}
}

func downloadName(v keyward.Version) string { return "keyward-" + string(v) + "-docs.html" }

// methodPage documents one method, in the order of protocol.md 14.2.
func methodPage(p *page, s *rpc.Spec, tryIt bool) {
	p.printf(`<h1 id="%s"><code>%s</code></h1>`, esc(anchor("methods/"+s.Name+".html")), esc(s.Name))
	p.el("p", s.Description)
	p.printf(`<p class="access" data-access>%s</p>`, esc(AccessText(s)))
	params, call := paramSchemas(s)
	p.raw("<h2>Parameters</h2>")
	if len(s.Params) == 0 {
		p.raw("<p>None: send <code>[]</code> or leave <code>params</code> out.</p>")
	}
	for i, prm := range s.Params {
		req := "optional"
		if prm.Required {
			req = "required"
		}
		p.printf(`<h3 id="param-%s">%d. <code>%s</code> (%s)</h3>`, esc(prm.Name), i+1, esc(prm.Name), req)
		p.raw(string(schemaBlock(viewSchema(params[i]))))
	}
	p.raw("<h3>Call parameters</h3>")
	p.code(pretty(call))
	p.raw("<h2>Return value</h2>")
	p.raw(string(schemaBlock(viewSchema(s.Result.JSON()))))
	if s.Query {
		p.raw("<p>A query method: see ")
		p.a("query_methods.html", "query methods")
		p.raw(" for filters and options.</p>")
	}
	examples(p, s)
	errorsTable(p, s)
	if tryIt {
		tryPanel(p, s)
	}
}

func examples(p *page, s *rpc.Spec) {
	if len(s.Examples) == 0 {
		return
	}
	p.raw("<h2>Examples</h2>")
	for _, e := range s.Examples {
		p.el("h3", e.Name)
		params := e.Params
		if params == nil {
			params = []any{}
		}
		p.raw("<p>Request:</p>")
		p.code(jsonText(map[string]any{"jsonrpc": "2.0", "id": 1, "method": s.Name, "params": params}))
		p.raw("<p>Response:</p>")
		resp := map[string]any{"jsonrpc": "2.0", "id": 1}
		if e.Err != nil {
			resp["error"] = rpc.ErrorObject(e.Err)
		} else {
			resp["result"] = e.Result
		}
		p.code(jsonText(resp))
	}
}

// jsonText formats a response as the server writes it (ejson dates).
func jsonText(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func errorsTable(p *page, s *rpc.Spec) {
	p.raw("<h2>Errors</h2>")
	var rows [][]string
	for _, e := range errorsOf(s) {
		rows = append(rows, []string{fmt.Sprint(e.Code), e.Errno.Name(), e.Message})
	}
	p.table([]string{"Code", "errno", "Message"}, rows)
}

// tryPanel lets a reader sign in and call the method from the page, with
// the web UI's JSON-RPC client (docs.js).
func tryPanel(p *page, s *rpc.Spec) {
	params := "[]"
	if len(s.Examples) > 0 && s.Examples[0].Params != nil {
		params = compact(s.Examples[0].Params)
	}
	p.printf(`<h2>Try it</h2><form class="tryit" data-tryit data-method="%s" data-version="%s">`, esc(s.Name), esc(p.label))
	p.raw(`<p>Calls the method on this server over <code>/api/` + esc(p.label) + `</code> (needs JavaScript).</p>`)
	p.raw(`<label for="try-user">Username</label><input id="try-user" name="username" autocomplete="username">`)
	p.raw(`<label for="try-pass">Password</label><input id="try-pass" name="password" type="password" autocomplete="current-password">`)
	p.printf(`<label for="try-params">Params (a JSON array)</label><textarea id="try-params" name="params">%s</textarea>`, esc(params))
	p.raw(`<button type="submit">Call</button><p role="status" data-try-status></p><pre class="json" data-try-result aria-live="polite"></pre></form>`)
}
