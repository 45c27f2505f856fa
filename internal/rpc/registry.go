package rpc

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/schema"
)

// Access is what a method requires of the caller.
type Access uint8

// The access levels. The zero value requires one of the method's roles.
const (
	NeedRole  Access = iota // authenticated and holding one of Roles
	NeedLogin               // authenticated, no role needed
	NoAuth                  // callable before login (rate limited)
)

// Handler executes a call. Params are validated plain values, one per
// declared parameter. It returns the result in the newest version's shape.
type Handler func(ctx context.Context, c *Call) (any, error)

// Example is a documented request and its response. Tests run every
// example against a fresh server with an administrator set up, in registry
// order, and compare the answer's shape with the documented one.
type Example struct {
	Name   string
	Params []any // plain JSON values
	Result any   // plain JSON value; ignored when Err is set
	// Err, when set, is the documented error for these params.
	Err error
}

// ErrorDoc documents an error a method can return.
type ErrorDoc struct {
	Code    int
	Errno   keyward.Errno
	Message string
}

// VersionSpec overrides a method's params, result or access. An override
// keyed by a version shapes that version and every older one down to the
// next older override (TrueNAS adapts results step by step to older
// versions the same way), so a shape that changed in v26.0.0 needs one
// override at V25_10 to keep both 25.x lines on the old shape.
type VersionSpec struct {
	Params []schema.Field
	Result *schema.Schema
	Access *Access
}

// Method is one registry entry: the single source for dispatch, params
// validation, roles, core.get_methods, the docs and the OpenRPC document.
type Method struct {
	Name        string
	Since       keyward.Version // first version serving it; zero: all
	Summary     string          // one line
	Description string
	Params      []schema.Field
	Result      *schema.Schema
	Access      Access
	Roles       []keyward.Role
	// NoRateLimit exempts a NoAuth method from the rate limit.
	NoRateLimit bool
	// Login marks login calls, which run one at a time per connection.
	Login bool
	// Query marks query methods (filters and options).
	Query bool
	// Inline methods only compute and never wait (no I/O, no locks held
	// for long): they run on the connection's reader, without a goroutine
	// hand-off.
	Inline   bool
	Examples []Example
	Errors   []ErrorDoc
	Versions map[keyward.Version]VersionSpec
	Handler  Handler
	// Audit, for audited methods, returns the description of a call from
	// its params as sent (plain values, secrets redacted); it runs before
	// the handler so it sees the state before the change.
	Audit func(ctx context.Context, params []any) string
}

// Spec is a method as served on one version.
type Spec struct {
	*Method
	Version keyward.Version
	Params  []schema.Field
	Result  *schema.Schema
	Access  Access
	// Granting holds the roles granting the method: its roles and every
	// role that includes one of them.
	Granting keyward.RoleSet
}

// Namespace returns the part of the name before the last dot.
func (m *Method) Namespace() string {
	i := strings.LastIndexByte(m.Name, '.')
	return m.Name[:max(i, 0)]
}

// Event is an event name clients may subscribe to.
type Event struct {
	Name        string
	Description string
	// Roles grant the event; empty means any authenticated caller.
	Roles []keyward.Role
	// Fields is the schema of added/changed fields in the newest version;
	// nil if it emits nothing. Versions override it as Method.Versions
	// do: the hub cuts the rendered fields to the subscriber's version.
	Fields   *schema.Schema
	Versions map[keyward.Version]*schema.Schema
	// Render turns the event's entity into its fields as caller may see
	// them (in the newest version's shape), or ok=false when it may not.
	Render func(ctx context.Context, c *keyward.Caller, entity any) (fields any, ok bool)
}

// FieldsFor returns the fields schema of the event on version v.
func (e *Event) FieldsFor(v keyward.Version) *schema.Schema {
	if s, ok := override(e.Versions, v); ok {
		return s
	}
	return e.Fields
}

// override returns the override that shapes v: the one of the oldest
// version at or after v that has one.
func override[T any](m map[keyward.Version]T, v keyward.Version) (T, bool) {
	for _, w := range keyward.Versions {
		if o, ok := m[w]; ok && !w.Before(v) {
			return o, true
		}
	}
	var zero T
	return zero, false
}

// Registry holds every method and event of every served version.
type Registry struct {
	methods map[string]*Method
	specs   map[keyward.Version]map[string]*Spec
	events  map[string]*Event
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	r := &Registry{
		methods: map[string]*Method{},
		specs:   map[keyward.Version]map[string]*Spec{},
		events:  map[string]*Event{},
	}
	for _, v := range keyward.Versions {
		r.specs[v] = map[string]*Spec{}
	}
	return r
}

// Register adds methods. It panics on a malformed entry: registration
// happens at start-up and a bad entry is a programming error.
func (r *Registry) Register(methods ...*Method) {
	for _, m := range methods {
		if _, dup := r.methods[m.Name]; dup {
			panic(fmt.Sprintf("rpc: method %s registered twice", m.Name))
		}
		if m.Handler == nil || m.Result == nil || m.Summary == "" {
			panic(fmt.Sprintf("rpc: method %s lacks a handler, result schema or summary", m.Name))
		}
		r.methods[m.Name] = m
		for _, v := range keyward.Versions {
			if m.Since == "" || !v.Before(m.Since) {
				r.specs[v][m.Name] = resolve(m, v)
			}
		}
	}
}

func resolve(m *Method, v keyward.Version) *Spec {
	s := &Spec{Method: m, Version: v, Params: m.Params, Result: m.Result, Access: m.Access}
	if o, ok := override(m.Versions, v); ok {
		if o.Params != nil {
			s.Params = o.Params
		}
		if o.Result != nil {
			s.Result = o.Result
		}
		if o.Access != nil {
			s.Access = *o.Access
		}
	}
	if s.Access == NeedRole {
		if len(m.Roles) == 0 {
			panic(fmt.Sprintf("rpc: method %s needs a role but lists none", m.Name))
		}
		s.Granting = keyward.Roles(m.Roles...).Granting()
	}
	return s
}

// RegisterEvent adds an event name.
func (r *Registry) RegisterEvent(e *Event) { r.events[e.Name] = e }

// Exists reports whether a method of that name exists in some version.
func (r *Registry) Exists(name string) bool { _, ok := r.methods[name]; return ok }

// Spec returns the method as served on v, or nil.
func (r *Registry) Spec(v keyward.Version, name string) *Spec { return r.specs[v][name] }

// Specs returns every method served on v, sorted by name.
func (r *Registry) Specs(v keyward.Version) []*Spec {
	out := make([]*Spec, 0, len(r.specs[v]))
	for _, s := range r.specs[v] {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Spec) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Event returns the event named name, or nil.
func (r *Registry) Event(name string) *Event { return r.events[name] }

// Events returns every event, sorted by name.
func (r *Registry) Events() []*Event {
	out := make([]*Event, 0, len(r.events))
	for _, e := range r.events {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *Event) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Allows reports whether a caller with the given effective roles may
// receive the event: any role of the event, or any authenticated caller
// when it lists none. The hub, core.subscribe and the docs all ask this.
func (e *Event) Allows(roles keyward.RoleSet) bool {
	return len(e.Roles) == 0 || roles.HasAny(keyward.Roles(e.Roles...))
}

// Allows reports whether a caller with the given effective roles may call
// the method (ignoring authentication).
func (s *Spec) Allows(roles keyward.RoleSet) bool {
	return s.Access != NeedRole || roles.HasAny(keyward.Roles(s.Roles...))
}
