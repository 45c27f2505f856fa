package bench

import (
	"context"
	"fmt"
	"net/url"

	"github.com/keyward/keyward/internal/postgres"
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
	s, err := postgres.CreateScratch(ctx, serverURL, "kw_bench_")
	if err != nil {
		return "", "", nil, fmt.Errorf("--database: %w", err)
	}
	server = fmt.Sprintf("PostgreSQL %s at %s, database %s (created for this run, dropped after)", s.Version, u.Host, s.Name)
	return s.URL, server, s.Drop, nil
}
