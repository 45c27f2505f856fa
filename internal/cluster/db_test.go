package cluster_test

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward/internal/pgtest"
)

// listenPID returns the process id of the backend that serves the LISTEN
// connection of node name (the node's connections carry its name as
// application_name), or 0 while it has none.
func (c *cluster) listenPID(name string) int32 {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, pgtest.Server(c.t))
	if err != nil {
		c.t.Fatalf("connect to the test server: %v", err)
	}
	defer conn.Close(ctx)
	var pid int32
	err = conn.QueryRow(ctx, `SELECT pid FROM pg_stat_activity
		WHERE datname = $1 AND application_name = $2 AND query ILIKE 'LISTEN%'
		ORDER BY backend_start DESC LIMIT 1`, c.dbName, name).Scan(&pid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0
	}
	if err != nil {
		c.t.Fatalf("find the LISTEN backend of %s: %v", name, err)
	}
	return pid
}

// terminate ends a backend from the database side.
func (c *cluster) terminate(pid int32) {
	c.t.Helper()
	pgtest.Admin(c.t, `SELECT pg_terminate_backend($1)`, pid)
}

// cutOff stops the database for the nodes: it refuses new connections and
// ends every connection it has.
func (c *cluster) cutOff() {
	c.t.Helper()
	pgtest.Admin(c.t, `ALTER DATABASE `+c.dbName+` ALLOW_CONNECTIONS false`)
	pgtest.Admin(c.t, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = $1 AND pid <> pg_backend_pid()`, c.dbName)
}

// restore lets the nodes connect to the database again.
func (c *cluster) restore() {
	c.t.Helper()
	pgtest.Admin(c.t, `ALTER DATABASE `+c.dbName+` ALLOW_CONNECTIONS true`)
}
