package api

import (
	"cmp"
	"slices"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

// Handlers is the set of method handlers (their methods build the
// registry entries) and what they need from the rest of the server.
type Handlers struct {
	Svc *service.Service
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Started is when the server started (system.info uptime).
	Started time.Time
	// Hostname and Timezone are reported by system.info.
	Hostname string
	Timezone string
}

func (d *Handlers) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// Register adds every public method and event to r.
func Register(r *rpc.Registry, d *Handlers) {
	reg := func(ms ...*rpc.Method) { r.Register(withExamples(ms)...) }
	reg(coreMethods(r)...)
	reg(d.systemMethods()...)
	reg(d.loginMethods()...)
	reg(d.sessionMethods()...)
	reg(d.sessionAdminMethods()...)
	reg(d.userMethods()...)
	reg(d.setupMethods()...)
	reg(d.groupMethods()...)
	reg(d.privilegeMethods()...)
	reg(d.auditMethod())
	reg(d.keyMethods()...)
	reg(d.alertMethod())
	checkExamples(r)
	r.RegisterEvent(jobsEvent)
	r.RegisterEvent(&rpc.Event{
		Name:        keyward.CollectionAPIKeys,
		Description: "API keys added, changed (update, reset, revocation, hash upgrade, owner rename) and removed.",
		Roles:       []keyward.Role{keyward.APIKeyRead},
		Fields:      keyEntrySchema(keyward.Current),
		Versions: map[keyward.Version]*schema.Schema{keyward.V25_04: keyEntrySchema(keyward.V25_04),
			keyward.V25_10: keyEntrySchema(keyward.V25_10)},
		Render: d.renderKeyEvent,
	})
}

func access(a rpc.Access) *rpc.Access { return &a }

// sortByKey sorts entries by a string or integer key, ascending.
func sortByKey(entries []map[string]any, key string) {
	slices.SortStableFunc(entries, func(a, b map[string]any) int {
		switch x := a[key].(type) {
		case string:
			y, _ := b[key].(string)
			return cmp.Compare(x, y)
		case int64:
			y, _ := b[key].(int64)
			return cmp.Compare(x, y)
		}
		return 0
	})
}
