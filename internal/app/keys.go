package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/sqlite"
)

// loadPeppers finds the peppers (api-keys.md 10.2): KEYWARD_PEPPER, else the
// pepper file in the data directory, else a new pepper written there when
// the database holds no keyed hashes. Every pepper the stored hashes need
// must be present.
func loadPeppers(ctx context.Context, db *sqlite.DB, dataDir, env string) (keys.Peppers, map[string]int64, error) {
	usage, err := db.PepperUsage(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ps keys.Peppers
	path := filepath.Join(dataDir, "pepper")
	if env != "" {
		ps, err = keys.ParseEnv(env)
	} else {
		ps, err = keys.ReadFile(path)
		if errors.Is(err, keys.ErrNoPepperFile) && hmacKeys(usage) == 0 && !peppersSeen(ctx, db) {
			p := keys.Generate()
			if err := keys.WriteFile(path, p); err != nil {
				return nil, nil, fmt.Errorf("create pepper file: %w", err)
			}
			ps, err = keys.Peppers{p}, nil
		}
	}
	if err != nil && !errors.Is(err, keys.ErrNoPepperFile) {
		return nil, nil, err
	}
	if err := missingPeppers(ps, usage, path); err != nil {
		return nil, nil, err
	}
	if len(ps) == 0 {
		return nil, nil, fmt.Errorf("no pepper: this database has used one before; restore the pepper file %s or set KEYWARD_PEPPER", path)
	}
	return ps, usage, checkPeppers(ctx, db, ps)
}

// checkPeppers refuses peppers with the id of one the database knows but
// other bytes (cluster.md section 2), and records the check values of the
// peppers it does not know yet.
func checkPeppers(ctx context.Context, db *sqlite.DB, ps keys.Peppers) error {
	stored, err := db.PepperChecks(ctx)
	if err != nil {
		return err
	}
	unrecorded, err := ps.Compare(stored)
	if err != nil {
		return err
	}
	if len(unrecorded) == 0 {
		return nil
	}
	return db.RecordPepperChecks(ctx, unrecorded)
}

// peppersSeen reports whether the database has met a pepper before: a
// command run without the pepper the server uses (KEYWARD_PEPPER) must not
// make a pepper file of its own then.
func peppersSeen(ctx context.Context, db *sqlite.DB) bool {
	checks, err := db.PepperChecks(ctx)
	return err != nil || len(checks) > 0
}

func hmacKeys(usage map[string]int64) int64 {
	var n int64
	for id, c := range usage {
		if id != "" {
			n += c
		}
	}
	return n
}

// missingPeppers names every pepper id that stored hashes need and that is
// not available.
func missingPeppers(ps keys.Peppers, usage map[string]int64, path string) error {
	var missing []string
	for id, n := range usage {
		if _, ok := ps.Find(id); id != "" && !ok {
			missing = append(missing, fmt.Sprintf("pepper %s (needed by %d keys)", id, n))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return fmt.Errorf("missing %s: restore the pepper file %s or set KEYWARD_PEPPER", strings.Join(missing, ", "), path)
}
