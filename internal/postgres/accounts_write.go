package postgres

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
)

// nextID takes the next id of a table from id_sequences: above every id
// the table ever gave out, so no id is ever reused.
func (w *wtx) nextID(ctx context.Context, table string) (int64, error) {
	switch table {
	case "users", "groups", "privileges", "api_keys":
	default:
		return 0, fmt.Errorf("no id sequence for %q", table)
	}
	var id int64
	err := w.tx.QueryRow(ctx, `UPDATE id_sequences SET last = greatest(last, (SELECT coalesce(max(id), 0) FROM `+
		table+`)) + 1 WHERE name = $1 RETURNING last`, table).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("next %s id: %w", table, err)
	}
	return id, nil
}

// newStamp returns a random number in [1, 2^62] for keyward.User.Stamp.
func newStamp() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return int64(binary.BigEndian.Uint64(b[:])>>2) + 1
}

// exec runs a statement that changes accounts.
func (t *accountTx) exec(ctx context.Context, what, sql string, args ...any) error {
	t.w.accounts = true
	if _, err := t.w.tx.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// CreateUser implements keyward.AccountTx. It sets u.ID and, when zero,
// u.Stamp and u.CreatedAt.
func (t *accountTx) CreateUser(ctx context.Context, u *keyward.User) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	if u.Stamp == 0 {
		u.Stamp = newStamp()
	}
	id, err := t.w.nextID(ctx, "users")
	if err != nil {
		return err
	}
	err = t.exec(ctx, "create user", `INSERT INTO users (id, stamp, token_epoch, uid, username, username_fold,
		full_name, password_hash, password_disabled, locked, group_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		id, u.Stamp, u.TokenEpoch, u.UID, u.Username, query.Fold(u.Username), u.FullName, nullString(u.PasswordHash),
		u.PasswordDisabled, u.Locked, u.GroupID, u.CreatedAt.UnixMilli())
	if err != nil {
		return err
	}
	u.ID = id
	return t.setMemberships(ctx, u)
}

// UpdateUser implements keyward.AccountTx. A user's stamp never changes.
func (t *accountTx) UpdateUser(ctx context.Context, u *keyward.User) error {
	err := t.exec(ctx, "update user", `UPDATE users SET uid = $1, username = $2, username_fold = $3, full_name = $4,
		password_hash = $5, password_disabled = $6, locked = $7, group_id = $8, token_epoch = $9 WHERE id = $10`,
		u.UID, u.Username, query.Fold(u.Username), u.FullName, nullString(u.PasswordHash), u.PasswordDisabled,
		u.Locked, u.GroupID, u.TokenEpoch, u.ID)
	if err != nil {
		return err
	}
	if err := t.exec(ctx, "update user", `DELETE FROM user_groups WHERE user_id = $1`, u.ID); err != nil {
		return err
	}
	return t.setMemberships(ctx, u)
}

func (t *accountTx) setMemberships(ctx context.Context, u *keyward.User) error {
	for _, gid := range u.GroupIDs {
		if err := t.exec(ctx, fmt.Sprintf("add user %d to group %d", u.ID, gid),
			`INSERT INTO user_groups (user_id, group_id) VALUES ($1, $2)`, u.ID, gid); err != nil {
			return err
		}
	}
	return nil
}

// DeleteUser implements keyward.AccountTx; the user's keys go by cascade,
// each with a ChangeKey removed.
func (t *accountTx) DeleteUser(ctx context.Context, id int64) ([]int64, error) {
	keys, err := keyIDs(ctx, t.w.tx, id)
	if err != nil {
		return nil, err
	}
	if err := t.exec(ctx, "delete user", `DELETE FROM users WHERE id = $1`, id); err != nil {
		return nil, err
	}
	for _, k := range keys {
		t.w.keyChange(keyward.EventRemoved, k, nil)
	}
	return keys, nil
}

// CreateGroup implements keyward.AccountTx.
func (t *accountTx) CreateGroup(ctx context.Context, g *keyward.Group) error {
	id, err := t.w.nextID(ctx, "groups")
	if err != nil {
		return err
	}
	if err := t.exec(ctx, "create group", `INSERT INTO groups (id, gid, name, builtin) VALUES ($1, $2, $3, $4)`,
		id, g.GID, g.Name, g.Builtin); err != nil {
		return err
	}
	g.ID = id
	return nil
}

// UpdateGroup implements keyward.AccountTx.
func (t *accountTx) UpdateGroup(ctx context.Context, g *keyward.Group) error {
	return t.exec(ctx, "update group", `UPDATE groups SET gid = $1, name = $2 WHERE id = $3`, g.GID, g.Name, g.ID)
}

// DeleteGroup implements keyward.AccountTx.
func (t *accountTx) DeleteGroup(ctx context.Context, id int64) error {
	if err := t.exec(ctx, "delete group", `DELETE FROM user_groups WHERE group_id = $1`, id); err != nil {
		return err
	}
	return t.exec(ctx, "delete group", `DELETE FROM groups WHERE id = $1`, id)
}

// CreatePrivilege implements keyward.AccountTx.
func (t *accountTx) CreatePrivilege(ctx context.Context, p *keyward.Privilege) error {
	roles, _ := json.Marshal(nonNil(p.Roles))
	id, err := t.w.nextID(ctx, "privileges")
	if err != nil {
		return err
	}
	if err := t.exec(ctx, "create privilege", `INSERT INTO privileges (id, builtin_name, name, roles, web_shell)
		VALUES ($1, $2, $3, $4, $5)`, id, nullString(p.BuiltinName), p.Name, string(roles), p.WebShell); err != nil {
		return err
	}
	p.ID = id
	return t.setPrivilegeGroups(ctx, p)
}

// UpdatePrivilege implements keyward.AccountTx.
func (t *accountTx) UpdatePrivilege(ctx context.Context, p *keyward.Privilege) error {
	roles, _ := json.Marshal(nonNil(p.Roles))
	if err := t.exec(ctx, "update privilege", `UPDATE privileges SET name = $1, roles = $2, web_shell = $3 WHERE id = $4`,
		p.Name, string(roles), p.WebShell, p.ID); err != nil {
		return err
	}
	if err := t.exec(ctx, "update privilege", `DELETE FROM privilege_groups WHERE privilege_id = $1`, p.ID); err != nil {
		return err
	}
	return t.setPrivilegeGroups(ctx, p)
}

func (t *accountTx) setPrivilegeGroups(ctx context.Context, p *keyward.Privilege) error {
	for i, gid := range p.GIDs {
		if err := t.exec(ctx, fmt.Sprintf("privilege %d groups", p.ID), `INSERT INTO privilege_groups
			(privilege_id, position, gid) VALUES ($1, $2, $3)`, p.ID, i, gid); err != nil {
			return err
		}
	}
	return nil
}

// DeletePrivilege implements keyward.AccountTx.
func (t *accountTx) DeletePrivilege(ctx context.Context, id int64) error {
	return t.exec(ctx, "delete privilege", `DELETE FROM privileges WHERE id = $1`, id)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// nullString stores "" as NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullInt stores 0 as NULL.
func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}
