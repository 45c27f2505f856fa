package docs

import (
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// rolesPage lists each role, what it includes, and what it grants.
func rolesPage(p *page, reg *rpc.Registry) {
	p.raw(`<h1>Roles</h1><p>A user's effective roles are the roles of the privileges of their groups, with every role they
include. A method that lists roles is granted by any of them. Roles are recomputed on every call.</p>`)
	for _, r := range keyward.AllRoles() {
		p.printf(`<h2 id="role-%s"><code>%s</code></h2>`, esc(r.String()), esc(r.String()))
		p.el("p", r.Title())
		var inc []string
		for _, i := range r.Includes() {
			inc = append(inc, i.String())
		}
		p.printf("<p>Includes: %s. Web UI access: %s.</p>", esc(orNone(inc)), yesNo(!r.Builtin()))
		expanded := keyward.Roles(r).Expand()
		var methods, events []string
		for _, s := range reg.Specs(p.v) {
			if s.Access == rpc.NeedRole && expanded.HasAny(keyward.Roles(s.Roles...)) {
				methods = append(methods, s.Name)
			}
		}
		for _, e := range reg.Events() {
			if len(e.Roles) > 0 && expanded.HasAny(keyward.Roles(e.Roles...)) {
				events = append(events, e.Name)
			}
		}
		p.raw("<p>Methods: ")
		for i, m := range methods {
			if i > 0 {
				p.raw(", ")
			}
			p.a("methods/"+m+".html", m)
		}
		if len(methods) == 0 {
			p.raw("none")
		}
		p.printf(". Events: %s.</p>", esc(orNone(events)))
	}
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// eventsPage lists each event with its role and the shape of its fields.
func eventsPage(p *page, reg *rpc.Registry) {
	p.raw(`<h1>Events</h1><p><code>core.subscribe(name)</code> returns a subscription id; events arrive as
<code>collection_update</code> notifications, one per event per connection, re-checked against the subscriber's current
rights and shaped for its API version.</p>`)
	p.code(`{"jsonrpc": "2.0", "method": "collection_update", "params": {"msg": "added", "collection": "api_key.query", "id": 5, "fields": {...}}}`)
	for _, e := range reg.Events() {
		p.printf(`<h2 id="event-%s"><code>%s</code></h2>`, esc(e.Name), esc(e.Name))
		p.el("p", e.Description)
		p.printf("<p>Role: %s.</p>", esc(orNone(roleNames(e.Roles))))
		if e.Fields != nil {
			p.raw("<h3><code>added</code> and <code>changed</code>: fields</h3>")
			p.raw(string(schemaBlock(viewSchema(e.Fields.JSON()))))
			p.raw(`<h3><code>removed</code></h3><p>No <code>fields</code>; <code>id</code> names the entry.</p>`)
			p.code(`{"msg": "removed", "collection": "` + esc(e.Name) + `", "id": 5}`)
		}
	}
}
