package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
)

// loadPeppers finds the peppers (api-keys.md 10.2): KEYWARD_PEPPER, else the
// pepper file in the data directory, else a new pepper written there when
// the database holds no keyed hashes. Every pepper the stored hashes need
// must be present.
func loadPeppers(ctx context.Context, db keyward.PepperStore, dataDir, env string) (keys.Peppers, map[string]int64, error) {
	usage, err := db.PepperUsage(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ps keys.Peppers
	generated := false
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
			ps, err, generated = keys.Peppers{p}, nil, true
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
	if err := checkPeppers(ctx, db, ps, generated); err != nil {
		if generated {
			_ = os.Remove(path) // the pepper of a node that lost the race is no one's
		}
		return nil, nil, err
	}
	return ps, usage, nil
}

// checkPeppers refuses peppers with the id of one the database knows but
// other bytes (cluster.md section 2), and records the check values of the
// peppers it does not know yet. A pepper generated here is recorded only
// on a database that knows none: of nodes starting together on an empty
// database, the first to record wins and the others refuse to start.
func checkPeppers(ctx context.Context, db keyward.PepperStore, ps keys.Peppers, generated bool) error {
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
	// Checked again under the write lock: a node starting at the same
	// moment may have recorded its pepper since the read above.
	err = db.RecordPepperChecks(ctx, unrecorded, func(stored map[string]string) error {
		if generated {
			if err := keyward.FirstPepper(stored); err != nil {
				return err
			}
		}
		_, err := ps.Compare(stored)
		return err
	})
	if errors.Is(err, keyward.ErrPepperRecorded) {
		return errors.New("another node recorded its pepper first: set KEYWARD_PEPPER or the pepper file to the cluster's pepper")
	}
	return err
}

// peppersSeen reports whether the database has met a pepper before: a
// command run without the pepper the server uses (KEYWARD_PEPPER) must not
// make a pepper file of its own then.
func peppersSeen(ctx context.Context, db keyward.PepperStore) bool {
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
