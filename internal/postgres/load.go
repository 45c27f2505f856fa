package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
)

// ErrNotEmpty means Load was given a database that already holds data.
var ErrNotEmpty = errors.New("the PostgreSQL database is not empty")

// Load copies d into the database in one transaction, keeping every id,
// for keyward migrate-db. The database must be empty: no users, API keys,
// audit records or pepper checks, and no groups or privileges besides the
// built-in ones the schema made, which d's replace. Anything else is
// refused with ErrNotEmpty, so a second run is refused. The id sequences
// continue above d.LastIDs and the generations move past d's; the change
// log stays empty (nodes load everything when they start).
func (db *DB) Load(ctx context.Context, d *keyward.Dump) (err error) {
	defer func() {
		if !errors.Is(err, ErrNotEmpty) { // a refusal, not a failure
			db.fail(&err)
		}
	}()
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		// The write lock keeps out writers, and a second Load until this
		// one committed; it then finds the rows this one wrote.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockWrite); err != nil {
			return fmt.Errorf("write lock: %w", err)
		}
		if err := checkEmpty(ctx, tx); err != nil {
			return err
		}
		for _, step := range []func(context.Context, pgx.Tx, *keyward.Dump) error{
			loadDumpAccounts, loadDumpKeys, loadDumpAudit, loadDumpCounters,
		} {
			if err := step(ctx, tx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkEmpty refuses a database with any row Load would not replace,
// naming what it found.
func checkEmpty(ctx context.Context, tx pgx.Tx) error {
	var found []string
	for _, c := range []struct{ what, sql string }{
		{"users", `SELECT count(*) FROM users`},
		{"API keys", `SELECT count(*) FROM api_keys`},
		{"audit records", `SELECT count(*) FROM audit`},
		{"pepper checks", `SELECT count(*) FROM pepper_checks`},
		{"groups of its own", `SELECT count(*) FROM groups WHERE NOT builtin OR id > 3`},
		{"privileges of its own", `SELECT count(*) FROM privileges WHERE builtin_name IS NULL OR id > 3`},
	} {
		var n int64
		if err := tx.QueryRow(ctx, c.sql).Scan(&n); err != nil {
			return fmt.Errorf("check that the database is empty: %w", err)
		}
		if n > 0 {
			found = append(found, fmt.Sprintf("%d %s", n, c.what))
		}
	}
	if len(found) > 0 {
		return fmt.Errorf("%w: it has %s; migrate-db copies into an empty database only (was it migrated already?)",
			ErrNotEmpty, strings.Join(found, ", "))
	}
	return nil
}

// copyJob is rows to copy into a table's columns.
type copyJob struct {
	table   string
	columns []string
	rows    [][]any
}

// copyRows runs the jobs in order, stopping at the first failure.
func copyRows(ctx context.Context, tx pgx.Tx, jobs ...copyJob) error {
	for _, j := range jobs {
		if len(j.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{j.table}, j.columns, pgx.CopyFromRows(j.rows)); err != nil {
			return fmt.Errorf("load %s: %w", j.table, err)
		}
	}
	return nil
}

// loadDumpAccounts replaces the built-in groups and privileges with d's and
// copies users and the links.
func loadDumpAccounts(ctx context.Context, tx pgx.Tx, d *keyward.Dump) error {
	for _, table := range []string{"privilege_groups", "privileges", "user_groups", "groups"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table); err != nil {
			return fmt.Errorf("clear built-in %s: %w", table, err)
		}
	}
	var groups, users, userGroups, privs, privGroups [][]any
	for _, g := range d.Groups {
		groups = append(groups, []any{g.ID, g.GID, g.Name, g.Builtin})
	}
	for _, u := range d.Users {
		users = append(users, []any{u.ID, u.Stamp, u.TokenEpoch, u.UID, u.Username, query.Fold(u.Username),
			u.FullName, u.PasswordHash, u.PasswordDisabled, u.Locked, u.GroupID, u.CreatedAt})
	}
	for _, ug := range d.UserGroups {
		userGroups = append(userGroups, []any{ug.UserID, ug.GroupID})
	}
	for _, p := range d.Privileges {
		privs = append(privs, []any{p.ID, p.BuiltinName, p.Name, p.Roles, p.WebShell})
	}
	for _, pg := range d.PrivilegeGroups {
		privGroups = append(privGroups, []any{pg.PrivilegeID, int32(pg.Position), pg.GID})
	}
	return copyRows(ctx, tx,
		copyJob{"groups", []string{"id", "gid", "name", "builtin"}, groups},
		copyJob{"users", []string{"id", "stamp", "token_epoch", "uid", "username", "username_fold",
			"full_name", "password_hash", "password_disabled", "locked", "group_id", "created_at"}, users},
		copyJob{"user_groups", []string{"user_id", "group_id"}, userGroups},
		copyJob{"privileges", []string{"id", "builtin_name", "name", "roles", "web_shell"}, privs},
		copyJob{"privilege_groups", []string{"privilege_id", "position", "gid"}, privGroups},
	)
}

// loadDumpKeys copies the keys with their hashes, their insecure uses and the
// pepper checks.
func loadDumpKeys(ctx context.Context, tx pgx.Tx, d *keyward.Dump) error {
	var keys, uses, checks [][]any
	for _, k := range d.Keys {
		var iters, salt any = 0, ""
		if k.SCRAM != nil {
			iters, salt = keyward.SCRAMParams(*k.SCRAM)
		}
		keys = append(keys, []any{k.ID, k.Name, query.Fold(k.Name), k.UserID, k.Hash, k.SCRAM, iters, salt, k.CreatedAt, k.ExpiresAt,
			k.Revoked, k.RevokedReason, k.RevokedAt, k.SecretGen})
	}
	for _, u := range d.InsecureUses {
		uses = append(uses, []any{u.KeyID, u.Address, u.First, u.Last})
	}
	for _, c := range d.PepperChecks {
		checks = append(checks, []any{c.PepperID, c.CheckValue, c.RecordedAt})
	}
	return copyRows(ctx, tx,
		copyJob{"api_keys", []string{"id", "name", "name_fold", "user_id", "keyhash", "scram", "scram_iterations", "scram_salt", "created_at",
			"expires_at", "revoked", "revoked_reason", "revoked_at", "secret_gen"}, keys},
		copyJob{"api_key_insecure_uses", []string{"key_id", "address", "first", "last"}, uses},
		copyJob{"pepper_checks", []string{"pepper_id", "check_value", "recorded_at"}, checks},
	)
}

// loadDumpAudit copies the audit records with their ids (COPY writes the
// identity column as given).
func loadDumpAudit(ctx context.Context, tx pgx.Tx, d *keyward.Dump) error {
	rows := make([][]any, 0, len(d.Audit))
	for _, a := range d.Audit {
		rows = append(rows, []any{a.ID, a.AuditID, a.MessageTimestamp, a.Timestamp, a.Address, a.Username, a.Session,
			a.Service, a.ServiceData, a.Event, a.EventData, a.Success})
	}
	return copyRows(ctx, tx, copyJob{"audit", []string{"id", "audit_id", "message_timestamp", "timestamp", "address",
		"username", "session", "service", "service_data", "event", "event_data", "success"}, rows})
}

// loadDumpCounters sets the id sequences above every id d's database gave out
// and every id now present, and moves the generations past d's.
func loadDumpCounters(ctx context.Context, tx pgx.Tx, d *keyward.Dump) error {
	b := &pgx.Batch{}
	for _, table := range []string{"users", "groups", "privileges", "api_keys"} {
		b.Queue(`UPDATE id_sequences SET last = greatest(last, $1, (SELECT coalesce(max(id), 0) FROM `+table+`))
			WHERE name = $2`, d.LastIDs[table], table)
	}
	// setval with is_called false: the next audit id is exactly the value.
	b.Queue(`SELECT setval(pg_get_serial_sequence('audit', 'id'),
		greatest($1::bigint, (SELECT coalesce(max(id), 0) FROM audit)) + 1, false)`, d.LastIDs["audit"])
	for _, key := range []string{"accounts_generation", "keys_generation"} {
		b.Queue(`UPDATE meta SET value = greatest(value, $1) + 1 WHERE key = $2`, d.Generations[key], key)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("set id sequences: %w", err)
	}
	return nil
}

// Counts returns the number of rows of each table a keyward.Dump holds, in
// the order of keyward.DumpTables, read in one snapshot.
func (db *DB) Counts(ctx context.Context) (_ []keyward.TableCount, err error) {
	defer db.fail(&err)
	out := make([]keyward.TableCount, len(keyward.DumpTables))
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		for i, table := range keyward.DumpTables {
			out[i].Table = table
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&out[i].Rows); err != nil {
				return fmt.Errorf("count %s: %w", table, err)
			}
		}
		return nil
	})
	return out, err
}
