package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
)

// Scratch is an empty database made on a PostgreSQL server for a test or
// a benchmark run, never one that held data before.
type Scratch struct {
	URL     string // the new database's URL
	Name    string // its name
	Version string // the server's version
	server  string
}

// CreateScratch creates an empty database named prefix + random hex on
// the server of serverURL (a postgres:// URL naming any database there).
func CreateScratch(ctx context.Context, serverURL, prefix string) (*Scratch, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return nil, errors.New("postgres: the server URL cannot be parsed")
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	s := &Scratch{Name: prefix + hex.EncodeToString(b), server: serverURL}
	c, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	defer c.Close(ctx)
	if err := c.QueryRow(ctx, "SHOW server_version").Scan(&s.Version); err != nil {
		return nil, fmt.Errorf("postgres: server version: %w", err)
	}
	if _, err := c.Exec(ctx, "CREATE DATABASE "+s.Name); err != nil {
		return nil, fmt.Errorf("postgres: create database %s: %w", s.Name, err)
	}
	u.Path = "/" + s.Name
	s.URL = u.String()
	return s, nil
}

// Drop removes the database, ending its connections first. It does not
// depend on a caller's context, which may be cancelled by then.
func (s *Scratch) Drop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, s.server)
	if err != nil {
		return fmt.Errorf("postgres: drop database %s: %w", s.Name, err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+s.Name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("postgres: drop database %s: %w", s.Name, err)
	}
	return nil
}

// Exec runs one statement on the server's own database (a test cutting a
// database off: ALTER DATABASE, pg_terminate_backend).
func Exec(ctx context.Context, serverURL, sql string, args ...any) error {
	c, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}
