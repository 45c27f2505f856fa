package docs

import (
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// rolesView is the data of the "roles.html" template.
type rolesView struct {
	Page  *page
	Roles []roleView
}

// roleView is one role: what it includes and what it grants.
type roleView struct {
	Name, Title string
	Includes    string // role names, or "none"
	WebUI       bool
	Methods     []string // methods it grants
	Events      string   // events it may subscribe to, or "none"
}

// rolesData lists each role, what it includes, and what it grants.
func rolesData(p *page, reg *rpc.Registry) rolesView {
	v := rolesView{Page: p}
	for _, r := range keyward.AllRoles() {
		var inc []string
		for _, i := range r.Includes() {
			inc = append(inc, i.String())
		}
		expanded := keyward.Roles(r).Expand()
		var methods, events []string
		for _, s := range reg.Specs(p.Version) {
			if s.Access == rpc.NeedRole && s.Allows(expanded) {
				methods = append(methods, s.Name)
			}
		}
		// Events anyone logged in may receive are not a role's grant.
		for _, e := range reg.Events() {
			if len(e.Roles) > 0 && e.Allows(expanded) {
				events = append(events, e.Name)
			}
		}
		v.Roles = append(v.Roles, roleView{Name: r.String(), Title: r.Title(), Includes: orNone(inc),
			WebUI: !r.Builtin(), Methods: methods, Events: orNone(events)})
	}
	return v
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, ", ")
}

// eventsView is the data of the "api_events.html" template.
type eventsView struct {
	Page   *page
	Events []eventView
}

// eventView is one event: who receives it and the shape of its fields.
type eventView struct {
	Name, Description string
	Roles             string      // role names, or "none"
	Fields            *schemaView // nil for an event without fields
}

// eventsData lists each event with its role and the shape of its fields.
func eventsData(p *page, reg *rpc.Registry) eventsView {
	v := eventsView{Page: p}
	for _, e := range reg.Events() {
		ev := eventView{Name: e.Name, Description: e.Description, Roles: orNone(roleNames(e.Roles))}
		if e.Fields != nil {
			fields := viewSchema(e.Fields.JSON())
			ev.Fields = &fields
		}
		v.Events = append(v.Events, ev)
	}
	return v
}
