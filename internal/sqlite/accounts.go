package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/keyward/keyward"
)

// LoadAccounts implements keyward.AccountStore.
func (db *DB) LoadAccounts(ctx context.Context) (_ *keyward.Accounts, _ int64, err error) {
	defer db.fail(&err)
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	a, err := loadAccounts(ctx, tx)
	if err != nil {
		return nil, 0, err
	}
	gen, err := generation(ctx, tx)
	return a, gen, err
}

// AccountsGeneration implements keyward.AccountStore.
func (db *DB) AccountsGeneration(ctx context.Context) (_ int64, err error) {
	defer db.fail(&err)
	return generation(ctx, db.read)
}

func generation(ctx context.Context, q queryer) (int64, error) {
	var gen int64
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'accounts_generation'`).Scan(&gen)
	if err != nil {
		return 0, fmt.Errorf("read accounts generation: %w", err)
	}
	return gen, nil
}

// UpdateAccounts implements keyward.AccountStore.
func (db *DB) UpdateAccounts(ctx context.Context, fn func(keyward.AccountTx) error) (err error) {
	defer db.fail(&err)
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := fn(&accountTx{tx: tx}); err != nil {
			return err
		}
		return db.appendAccountsChange(ctx, tx)
	})
}

type accountTx struct{ tx *sql.Tx }

func (t *accountTx) Load(ctx context.Context) (*keyward.Accounts, error) {
	return loadAccounts(ctx, t.tx)
}

func loadAccounts(ctx context.Context, tx *sql.Tx) (*keyward.Accounts, error) {
	a := &keyward.Accounts{}
	var err error
	if a.Groups, err = loadGroups(ctx, tx); err != nil {
		return nil, err
	}
	if a.Users, err = loadUsers(ctx, tx); err != nil {
		return nil, err
	}
	if a.Privileges, err = loadPrivileges(ctx, tx); err != nil {
		return nil, err
	}
	return a, nil
}

func loadGroups(ctx context.Context, tx *sql.Tx) ([]*keyward.Group, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, gid, name, builtin FROM groups ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("load groups: %w", err)
	}
	defer rows.Close()
	var out []*keyward.Group
	for rows.Next() {
		g := &keyward.Group{}
		if err := rows.Scan(&g.ID, &g.GID, &g.Name, &g.Builtin); err != nil {
			return nil, fmt.Errorf("load groups: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func loadUsers(ctx context.Context, tx *sql.Tx) ([]*keyward.User, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, stamp, token_epoch, uid, username, full_name,
		coalesce(password_hash, ''), password_disabled, locked, group_id, created_at FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	defer rows.Close()
	var out []*keyward.User
	byID := map[int64]*keyward.User{}
	for rows.Next() {
		u := &keyward.User{}
		var created int64
		if err := rows.Scan(&u.ID, &u.Stamp, &u.TokenEpoch, &u.UID, &u.Username, &u.FullName, &u.PasswordHash,
			&u.PasswordDisabled, &u.Locked, &u.GroupID, &created); err != nil {
			return nil, fmt.Errorf("load users: %w", err)
		}
		u.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, u)
		byID[u.ID] = u
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, loadMemberships(ctx, tx, byID)
}

func loadMemberships(ctx context.Context, tx *sql.Tx, byID map[int64]*keyward.User) error {
	rows, err := tx.QueryContext(ctx, `SELECT user_id, group_id FROM user_groups ORDER BY user_id, group_id`)
	if err != nil {
		return fmt.Errorf("load memberships: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid, gid int64
		if err := rows.Scan(&uid, &gid); err != nil {
			return fmt.Errorf("load memberships: %w", err)
		}
		if u := byID[uid]; u != nil {
			u.GroupIDs = append(u.GroupIDs, gid)
		}
	}
	return rows.Err()
}

func loadPrivileges(ctx context.Context, tx *sql.Tx) ([]*keyward.Privilege, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, coalesce(builtin_name, ''), name, roles, web_shell FROM privileges ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("load privileges: %w", err)
	}
	defer rows.Close()
	var out []*keyward.Privilege
	byID := map[int64]*keyward.Privilege{}
	for rows.Next() {
		p := &keyward.Privilege{}
		var roles string
		if err := rows.Scan(&p.ID, &p.BuiltinName, &p.Name, &roles, &p.WebShell); err != nil {
			return nil, fmt.Errorf("load privileges: %w", err)
		}
		if err := json.Unmarshal([]byte(roles), &p.Roles); err != nil {
			return nil, fmt.Errorf("privilege %d roles: %w", p.ID, err)
		}
		out = append(out, p)
		byID[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, loadPrivilegeGroups(ctx, tx, byID)
}

func loadPrivilegeGroups(ctx context.Context, tx *sql.Tx, byID map[int64]*keyward.Privilege) error {
	rows, err := tx.QueryContext(ctx, `SELECT privilege_id, gid FROM privilege_groups ORDER BY privilege_id, position`)
	if err != nil {
		return fmt.Errorf("load privilege groups: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid, gid int64
		if err := rows.Scan(&pid, &gid); err != nil {
			return fmt.Errorf("load privilege groups: %w", err)
		}
		if p := byID[pid]; p != nil {
			p.GIDs = append(p.GIDs, gid)
		}
	}
	return rows.Err()
}
