package api

import (
	"time"

	"github.com/keyward/keyward/internal/rpc"
)

// Deps are what the handlers need from the rest of the server.
type Deps struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Started is when the server started (system.info uptime).
	Started time.Time
	// Hostname and Timezone are reported by system.info.
	Hostname string
	Timezone string
}

func (d *Deps) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// Register adds every public method and event to r.
func Register(r *rpc.Registry, d *Deps) {
	registerCore(r, d)
	registerSystem(r, d)
}

func access(a rpc.Access) *rpc.Access { return &a }
