package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward"
)

// LoadAccounts implements keyward.AccountStore.
func (db *DB) LoadAccounts(ctx context.Context) (_ *keyward.Accounts, _ int64, err error) {
	defer db.fail(&err)
	var a *keyward.Accounts
	var gen int64
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		if a, err = loadAccounts(ctx, tx); err != nil {
			return err
		}
		gen, err = metaValue(ctx, tx, "accounts_generation")
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return a, gen, nil
}

// AccountsGeneration implements keyward.AccountStore.
func (db *DB) AccountsGeneration(ctx context.Context) (_ int64, err error) {
	defer db.fail(&err)
	return metaValue(ctx, db.pool, "accounts_generation")
}

// UpdateAccounts implements keyward.AccountStore. A transaction that wrote
// anything appends a ChangeAccounts, after a ChangeKey removed for each
// key a deleted user took with it.
func (db *DB) UpdateAccounts(ctx context.Context, fn func(keyward.AccountTx) error) (err error) {
	defer db.fail(&err)
	return db.update(ctx, func(w *wtx) error {
		t := &accountTx{w: w}
		if err := fn(t); err != nil {
			return err
		}
		if w.accounts {
			w.changes = append(w.changes, keyward.Change{Kind: keyward.ChangeAccounts})
		}
		return nil
	})
}

// accountTx implements keyward.AccountTx.
type accountTx struct{ w *wtx }

// Load implements keyward.AccountTx.
func (t *accountTx) Load(ctx context.Context) (*keyward.Accounts, error) {
	return loadAccounts(ctx, t.w.tx)
}

func loadAccounts(ctx context.Context, tx pgx.Tx) (*keyward.Accounts, error) {
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

func loadGroups(ctx context.Context, tx pgx.Tx) ([]*keyward.Group, error) {
	rows, err := tx.Query(ctx, `SELECT id, gid, name, builtin FROM groups ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("load groups: %w", err)
	}
	var out []*keyward.Group
	var g keyward.Group
	_, err = pgx.ForEachRow(rows, []any{&g.ID, &g.GID, &g.Name, &g.Builtin}, func() error {
		c := g
		out = append(out, &c)
		return nil
	})
	return out, wrap("load groups", err)
}

func loadUsers(ctx context.Context, tx pgx.Tx) ([]*keyward.User, error) {
	rows, err := tx.Query(ctx, `SELECT id, stamp, token_epoch, uid, username, full_name,
		coalesce(password_hash, ''), password_disabled, locked, group_id, created_at FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	var out []*keyward.User
	byID := map[int64]*keyward.User{}
	var u keyward.User
	var created int64
	_, err = pgx.ForEachRow(rows, []any{&u.ID, &u.Stamp, &u.TokenEpoch, &u.UID, &u.Username, &u.FullName,
		&u.PasswordHash, &u.PasswordDisabled, &u.Locked, &u.GroupID, &created}, func() error {
		c := u
		c.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, &c)
		byID[c.ID] = &c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	return out, loadMemberships(ctx, tx, byID)
}

func loadMemberships(ctx context.Context, tx pgx.Tx, byID map[int64]*keyward.User) error {
	rows, err := tx.Query(ctx, `SELECT user_id, group_id FROM user_groups ORDER BY user_id, group_id`)
	if err != nil {
		return fmt.Errorf("load memberships: %w", err)
	}
	var uid, gid int64
	_, err = pgx.ForEachRow(rows, []any{&uid, &gid}, func() error {
		if u := byID[uid]; u != nil {
			u.GroupIDs = append(u.GroupIDs, gid)
		}
		return nil
	})
	return wrap("load memberships", err)
}

func loadPrivileges(ctx context.Context, tx pgx.Tx) ([]*keyward.Privilege, error) {
	rows, err := tx.Query(ctx, `SELECT id, coalesce(builtin_name, ''), name, roles, web_shell FROM privileges ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("load privileges: %w", err)
	}
	var out []*keyward.Privilege
	byID := map[int64]*keyward.Privilege{}
	var p keyward.Privilege
	var roles string
	_, err = pgx.ForEachRow(rows, []any{&p.ID, &p.BuiltinName, &p.Name, &roles, &p.WebShell}, func() error {
		c := p
		c.Roles = nil
		if err := json.Unmarshal([]byte(roles), &c.Roles); err != nil {
			return fmt.Errorf("privilege %d roles: %w", c.ID, err)
		}
		out = append(out, &c)
		byID[c.ID] = &c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load privileges: %w", err)
	}
	return out, loadPrivilegeGroups(ctx, tx, byID)
}

func loadPrivilegeGroups(ctx context.Context, tx pgx.Tx, byID map[int64]*keyward.Privilege) error {
	rows, err := tx.Query(ctx, `SELECT privilege_id, gid FROM privilege_groups ORDER BY privilege_id, position`)
	if err != nil {
		return fmt.Errorf("load privilege groups: %w", err)
	}
	var pid, gid int64
	_, err = pgx.ForEachRow(rows, []any{&pid, &gid}, func() error {
		if p := byID[pid]; p != nil {
			p.GIDs = append(p.GIDs, gid)
		}
		return nil
	})
	return wrap("load privilege groups", err)
}
