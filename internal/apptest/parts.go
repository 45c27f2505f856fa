package apptest

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// The hooks below reach into the running server through app.Parts; they
// are for tests only, so they live here rather than on app.App.

// DropConnections drops every WebSocket connection abruptly (tests of
// clients that must recover).
func (s *Server) DropConnections() { s.parts.RPC.DropAll() }

// Connections returns the number of open WebSocket connections.
func (s *Server) Connections() int { return len(s.parts.RPC.Conns()) }

// CloseStore closes the database while the server runs, as a failed disk
// would make it unreachable (tests of /readyz). Stop still works.
func (s *Server) CloseStore() error { return s.parts.Store.Close() }

// Checkpoint writes everything committed into the database file (SQLite;
// on PostgreSQL, committed is written and there is nothing to do).
func (s *Server) Checkpoint(ctx context.Context) error {
	if c, ok := s.parts.Store.(interface{ Checkpoint(context.Context) error }); ok {
		return c.Checkpoint(ctx)
	}
	return nil
}

// Registry returns the running server's method registry.
func (s *Server) Registry() *rpc.Registry { return s.parts.RPC.Registry() }

// Store returns the running server's store, for tests that must put the
// database in a state the API cannot make (a key from before a feature).
func (s *Server) Store() keyward.Store { return s.parts.Store }
