package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/postgres"
	"github.com/keyward/keyward/internal/sqlite"
)

// nodeStore returns the store's node registry when several nodes may share
// it, else nil.
func nodeStore(s keyward.Store) keyward.NodeStore {
	n, _ := s.(keyward.NodeStore)
	return n
}

// sessionTable returns the store's table of every node's sessions when
// several nodes may share it, else nil.
func sessionTable(s keyward.Store) keyward.SessionTable {
	t, _ := s.(keyward.SessionTable)
	return t
}

// tokenTable returns the store's shared token table when several nodes
// may share it, else nil.
func tokenTable(s keyward.Store) keyward.TokenTable {
	t, _ := s.(keyward.TokenTable)
	return t
}

// exclusive returns the store's way to run background work on one node at
// a time when several nodes may share it, else nil.
func exclusive(s keyward.Store) keyward.Exclusive {
	e, _ := s.(keyward.Exclusive)
	return e
}

// node returns this node's name. A default name on a listen address
// that asks for any free port ("host:0") is made unique with a random
// suffix, since the port is bound only after the node joins.
func (a *App) node() string {
	if a.nodeName == "" {
		a.nodeName = a.cfg.Node()
		if a.cfg.NodeName == "" && strings.HasSuffix(a.nodeName, ":0") {
			b := make([]byte, 4)
			_, _ = rand.Read(b)
			a.nodeName += "-" + hex.EncodeToString(b)
		}
	}
	return a.nodeName
}

// openStore opens the database the database setting names: PostgreSQL for
// a postgres:// URL, else SQLite in the data directory (cluster.md 1).
// Nothing past this function knows which.
func openStore(ctx context.Context, cfg *config.Config, hooks keyward.StoreHooks) (keyward.Store, error) {
	if cfg.Postgres() {
		return postgres.Open(ctx, cfg.Database, hooks)
	}
	path := filepath.Join(cfg.DataDir, "keyward.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := checkPrivate(path); err != nil {
		db.Close()
		return nil, err
	}
	if hooks.Now != nil {
		db.Now = hooks.Now
	}
	db.OnError = hooks.OnError
	return db, nil
}
