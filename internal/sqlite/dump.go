package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/keyward/keyward"
)

// Export reads every row of the database at dbPath for keyward migrate-db.
// Like Restore it takes the exclusive lock (lock.go), so it refuses while
// a server or a data-directory command has the database open, and holds
// it while reading. A database of an older schema is migrated first; one
// from a newer Keyward is refused. All rows come from one transaction.
func Export(ctx context.Context, dbPath string) (*keyward.Dump, error) {
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no Keyward database at %s: %w", dbPath, err)
	} else if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	unlock, err := lock(dbPath, true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	w, err := sql.Open("sqlite", dsn(dbPath)+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	db := &DB{path: dbPath, write: w, Now: time.Now}
	if err := db.migrate(ctx); err != nil {
		return nil, err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("export: begin: %w", err)
	}
	defer tx.Rollback()
	d := &keyward.Dump{}
	for _, read := range []func(context.Context, *sql.Tx, *keyward.Dump) error{
		dumpAccounts, dumpPrivileges, dumpKeys, dumpAudit, dumpCounters,
	} {
		if err := read(ctx, tx, d); err != nil {
			return nil, fmt.Errorf("export %s: %w", dbPath, err)
		}
	}
	return d, nil
}

// each runs query and calls scan for every row, handing it the row.
func each(ctx context.Context, tx *sql.Tx, query string, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func dumpAccounts(ctx context.Context, tx *sql.Tx, d *keyward.Dump) error {
	err := each(ctx, tx, `SELECT id, gid, name, builtin FROM groups ORDER BY id`, func(r *sql.Rows) error {
		var g keyward.DumpGroup
		err := r.Scan(&g.ID, &g.GID, &g.Name, &g.Builtin)
		d.Groups = append(d.Groups, g)
		return err
	})
	if err != nil {
		return fmt.Errorf("groups: %w", err)
	}
	err = each(ctx, tx, `SELECT id, stamp, token_epoch, uid, username, full_name, password_hash,
		password_disabled, locked, group_id, created_at FROM users ORDER BY id`, func(r *sql.Rows) error {
		var u keyward.DumpUser
		err := r.Scan(&u.ID, &u.Stamp, &u.TokenEpoch, &u.UID, &u.Username, &u.FullName, &u.PasswordHash,
			&u.PasswordDisabled, &u.Locked, &u.GroupID, &u.CreatedAt)
		d.Users = append(d.Users, u)
		return err
	})
	if err != nil {
		return fmt.Errorf("users: %w", err)
	}
	err = each(ctx, tx, `SELECT user_id, group_id FROM user_groups ORDER BY user_id, group_id`, func(r *sql.Rows) error {
		var ug keyward.DumpUserGroup
		err := r.Scan(&ug.UserID, &ug.GroupID)
		d.UserGroups = append(d.UserGroups, ug)
		return err
	})
	if err != nil {
		return fmt.Errorf("user_groups: %w", err)
	}
	return nil
}

func dumpPrivileges(ctx context.Context, tx *sql.Tx, d *keyward.Dump) error {
	err := each(ctx, tx, `SELECT id, builtin_name, name, roles, web_shell FROM privileges ORDER BY id`, func(r *sql.Rows) error {
		var p keyward.DumpPrivilege
		err := r.Scan(&p.ID, &p.BuiltinName, &p.Name, &p.Roles, &p.WebShell)
		d.Privileges = append(d.Privileges, p)
		return err
	})
	if err != nil {
		return fmt.Errorf("privileges: %w", err)
	}
	err = each(ctx, tx, `SELECT privilege_id, position, gid FROM privilege_groups ORDER BY privilege_id, position`,
		func(r *sql.Rows) error {
			var pg keyward.DumpPrivilegeGroup
			err := r.Scan(&pg.PrivilegeID, &pg.Position, &pg.GID)
			d.PrivilegeGroups = append(d.PrivilegeGroups, pg)
			return err
		})
	if err != nil {
		return fmt.Errorf("privilege_groups: %w", err)
	}
	return nil
}

func dumpKeys(ctx context.Context, tx *sql.Tx, d *keyward.Dump) error {
	err := each(ctx, tx, `SELECT id, name, user_id, keyhash, scram, created_at, expires_at, revoked, revoked_reason,
		revoked_at, secret_gen FROM api_keys ORDER BY id`, func(r *sql.Rows) error {
		var k keyward.DumpKey
		err := r.Scan(&k.ID, &k.Name, &k.UserID, &k.Hash, &k.SCRAM, &k.CreatedAt, &k.ExpiresAt, &k.Revoked, &k.RevokedReason,
			&k.RevokedAt, &k.SecretGen)
		d.Keys = append(d.Keys, k)
		return err
	})
	if err != nil {
		return fmt.Errorf("api_keys: %w", err)
	}
	err = each(ctx, tx, `SELECT key_id, address, first, last FROM api_key_insecure_uses ORDER BY key_id`,
		func(r *sql.Rows) error {
			var u keyward.DumpInsecureUse
			err := r.Scan(&u.KeyID, &u.Address, &u.First, &u.Last)
			d.InsecureUses = append(d.InsecureUses, u)
			return err
		})
	if err != nil {
		return fmt.Errorf("api_key_insecure_uses: %w", err)
	}
	err = each(ctx, tx, `SELECT pepper_id, check_value, recorded_at FROM pepper_checks ORDER BY pepper_id`,
		func(r *sql.Rows) error {
			var c keyward.DumpPepperCheck
			err := r.Scan(&c.PepperID, &c.CheckValue, &c.RecordedAt)
			d.PepperChecks = append(d.PepperChecks, c)
			return err
		})
	if err != nil {
		return fmt.Errorf("pepper_checks: %w", err)
	}
	return nil
}

func dumpAudit(ctx context.Context, tx *sql.Tx, d *keyward.Dump) error {
	err := each(ctx, tx, `SELECT id, audit_id, message_timestamp, timestamp, address, username, session, service,
		service_data, event, event_data, success FROM audit ORDER BY id`, func(r *sql.Rows) error {
		var a keyward.DumpAudit
		err := r.Scan(&a.ID, &a.AuditID, &a.MessageTimestamp, &a.Timestamp, &a.Address, &a.Username, &a.Session,
			&a.Service, &a.ServiceData, &a.Event, &a.EventData, &a.Success)
		d.Audit = append(d.Audit, a)
		return err
	})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// dumpCounters reads the highest ids ever given out and the generations.
// Users, groups and privileges take ids from id_sequences, keys from
// AUTOINCREMENT (sqlite_sequence); the audit table reuses no id below its
// highest one, which is all it can tell.
func dumpCounters(ctx context.Context, tx *sql.Tx, d *keyward.Dump) error {
	d.LastIDs, d.Generations = map[string]int64{}, map[string]int64{}
	for table, q := range map[string]string{
		"users":      `SELECT max(coalesce((SELECT last FROM id_sequences WHERE name = 'users'), 0), coalesce((SELECT max(id) FROM users), 0))`,
		"groups":     `SELECT max(coalesce((SELECT last FROM id_sequences WHERE name = 'groups'), 0), coalesce((SELECT max(id) FROM groups), 0))`,
		"privileges": `SELECT max(coalesce((SELECT last FROM id_sequences WHERE name = 'privileges'), 0), coalesce((SELECT max(id) FROM privileges), 0))`,
		"api_keys":   `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'api_keys'), 0), coalesce((SELECT max(id) FROM api_keys), 0))`,
		"audit":      `SELECT coalesce(max(id), 0) FROM audit`,
	} {
		var n int64
		if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return fmt.Errorf("last %s id: %w", table, err)
		}
		d.LastIDs[table] = n
	}
	for _, key := range []string{"accounts_generation", "keys_generation"} {
		var n int64
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&n)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%s: %w", key, err)
		}
		d.Generations[key] = n
	}
	return nil
}
