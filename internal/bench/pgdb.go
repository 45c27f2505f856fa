package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
)

// freshDatabase creates an empty database kw_bench_<random> on the
// PostgreSQL server at serverURL, so that a run never measures or harms an
// existing one. It returns the new database's URL, a description of the
// server for the report, and drop, which removes the database (ending its
// connections first) and must be called once the servers using it have
// stopped.
func freshDatabase(ctx context.Context, serverURL string) (dbURL, server string, drop func() error, err error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", "", nil, fmt.Errorf("--database: %w", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "kw_bench_" + hex.EncodeToString(b)
	c, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", "", nil, fmt.Errorf("connect to --database: %w", err)
	}
	defer c.Close(ctx)
	var version string
	if err := c.QueryRow(ctx, "SHOW server_version").Scan(&version); err != nil {
		return "", "", nil, fmt.Errorf("--database: %w", err)
	}
	if _, err := c.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop = func() error {
		// The run's context may be cancelled (Ctrl-C): dropping must still happen.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		return nil
	}
	server = fmt.Sprintf("PostgreSQL %s at %s, database %s (created for this run, dropped after)", version, u.Host, name)
	u.Path = "/" + name
	return u.String(), server, drop, nil
}
