package app

import (
	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// Parts are the pieces of an assembled server that a test harness reaches
// into and that nothing outside the App needs in operation: the RPC
// engine, to count or drop connections, and the store, to checkpoint it or
// to close it under the running server as a failed disk would. They are
// handed out by an Option (WithParts), so the App itself carries no
// methods only tests call.
type Parts struct {
	RPC   *rpc.Server
	Store keyward.Store
}

// WithParts makes New fill p with the server's parts once it has built
// them (internal/apptest uses it).
func WithParts(p *Parts) Option { return func(a *App) { a.parts = p } }

// handOut fills the Parts asked for by WithParts.
func (a *App) handOut() {
	if a.parts != nil {
		*a.parts = Parts{RPC: a.rpc, Store: a.db}
	}
}
