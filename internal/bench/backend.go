package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/keyward/keyward/internal/keys"
)

// Back-end names, as the report shows them.
const (
	sqliteName   = "sqlite"
	postgresName = "postgres"
)

// backend is one database the cases run on, seeded with the same keys and
// served by its own server process (node A; the cluster cases add node B).
type backend struct {
	name     string
	dir      string // the run's directory for this back end: one data directory per node
	database string // the database setting: empty for SQLite
	pepper   keys.Pepper
	raws     []string
	srv      *server
	cases    map[string]*Case
}

// openBackend seeds a back end with the administrator and n keys, starts
// its first node and records the start-up case.
func openBackend(ctx context.Context, name, dir, database string, pepper keys.Pepper, n int) (*backend, error) {
	b := &backend{name: name, dir: dir, database: database, pepper: pepper, cases: map[string]*Case{}}
	step(fmt.Sprintf("%s: seeding %d keys", name, n))
	raws, err := seed(ctx, b.dataDir("seed"), database, pepper, n)
	if err != nil {
		return nil, fmt.Errorf("%s: seed: %w", name, err)
	}
	b.raws = raws
	step(name + ": startup")
	if b.srv, err = b.startNode(ctx, "a"); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rss, _ := b.srv.rssMiB()
	b.cases["startup"] = &Case{Value: float64(b.srv.started.Microseconds()) / 1000, Unit: "ms", RSSMiB: rss, Keys: n}
	return b, nil
}

// dataDir is the data directory of one node. On SQLite every node of the
// back end shares the seed's, which holds the database.
func (b *backend) dataDir(node string) string {
	if b.database == "" {
		node = "seed"
	}
	return filepath.Join(b.dir, node)
}

// startNode starts a server process on the back end's database: its own
// data directory and node_name, the run's pepper.
func (b *backend) startNode(ctx context.Context, node string) (*server, error) {
	dir := b.dataDir(node)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	env := []string{"KEYWARD_DATABASE=" + b.database, "KEYWARD_NODE_NAME=bench-" + node, "KEYWARD_PEPPER=" + pepperEnv(b.pepper)}
	if p := os.Getenv("KEYWARD_CPU_PROFILE"); p != "" {
		// One profile per server process, else they would write one file.
		env = append(env, "KEYWARD_CPU_PROFILE="+p+"."+b.name+"-"+node)
	}
	return startServer(ctx, dir, env...)
}

func (b *backend) stop() {
	if b.srv != nil {
		b.srv.stop()
	}
}
