package sqlite

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

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nextID takes the next id of a table from id_sequences: above every id
// the table ever gave out, so no id is ever reused.
func (t *accountTx) nextID(ctx context.Context, table string) (int64, error) {
	var maxQuery string
	switch table {
	case "users", "groups", "privileges":
		maxQuery = `SELECT coalesce(max(id), 0) FROM ` + table
	default:
		return 0, fmt.Errorf("no id sequence for %q", table)
	}
	var id int64
	err := t.tx.QueryRowContext(ctx, `UPDATE id_sequences SET last = max(last, (`+maxQuery+`)) + 1
		WHERE name = ? RETURNING last`, table).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("next %s id: %w", table, err)
	}
	return id, nil
}

// newStamp returns a random number in [1, 2^62] for keyward.User.Stamp.
func newStamp() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("sqlite: crypto/rand failed: " + err.Error())
	}
	return int64(binary.BigEndian.Uint64(b[:])>>2) + 1
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
	id, err := t.nextID(ctx, "users")
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO users (id, stamp, token_epoch, uid, username, username_fold, full_name,
		password_hash, password_disabled, locked, group_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, u.Stamp, u.TokenEpoch, u.UID, u.Username, query.Fold(u.Username), u.FullName, nullString(u.PasswordHash),
		u.PasswordDisabled, u.Locked, u.GroupID, u.CreatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	u.ID = id
	return t.setMemberships(ctx, u)
}

// UpdateUser implements keyward.AccountTx. A user's stamp never changes.
func (t *accountTx) UpdateUser(ctx context.Context, u *keyward.User) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE users SET uid = ?, username = ?, username_fold = ?, full_name = ?,
		password_hash = ?, password_disabled = ?, locked = ?, group_id = ?, token_epoch = ? WHERE id = ?`,
		u.UID, u.Username, query.Fold(u.Username), u.FullName, nullString(u.PasswordHash), u.PasswordDisabled,
		u.Locked, u.GroupID, u.TokenEpoch, u.ID)
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM user_groups WHERE user_id = ?`, u.ID); err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	return t.setMemberships(ctx, u)
}

func (t *accountTx) setMemberships(ctx context.Context, u *keyward.User) error {
	for _, gid := range u.GroupIDs {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO user_groups (user_id, group_id) VALUES (?, ?)`, u.ID, gid); err != nil {
			return fmt.Errorf("add user %d to group %d: %w", u.ID, gid, err)
		}
	}
	return nil
}

// DeleteUser implements keyward.AccountTx; the user's keys go by cascade.
func (t *accountTx) DeleteUser(ctx context.Context, id int64) ([]int64, error) {
	keys, err := keyIDs(ctx, t.tx, id)
	if err != nil {
		return nil, err
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id); err != nil {
		return nil, fmt.Errorf("delete user: %w", err)
	}
	return keys, nil
}

// CreateGroup implements keyward.AccountTx.
func (t *accountTx) CreateGroup(ctx context.Context, g *keyward.Group) error {
	id, err := t.nextID(ctx, "groups")
	if err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO groups (id, gid, name, builtin) VALUES (?, ?, ?, ?)`,
		id, g.GID, g.Name, g.Builtin); err != nil {
		return fmt.Errorf("create group: %w", err)
	}
	g.ID = id
	return nil
}

// UpdateGroup implements keyward.AccountTx.
func (t *accountTx) UpdateGroup(ctx context.Context, g *keyward.Group) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE groups SET gid = ?, name = ? WHERE id = ?`, g.GID, g.Name, g.ID); err != nil {
		return fmt.Errorf("update group: %w", err)
	}
	return nil
}

// DeleteGroup implements keyward.AccountTx.
func (t *accountTx) DeleteGroup(ctx context.Context, id int64) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM user_groups WHERE group_id = ?`, id); err != nil {
		return fmt.Errorf("delete group: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM groups WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete group: %w", err)
	}
	return nil
}

// CreatePrivilege implements keyward.AccountTx.
func (t *accountTx) CreatePrivilege(ctx context.Context, p *keyward.Privilege) error {
	roles, _ := json.Marshal(nonNil(p.Roles))
	id, err := t.nextID(ctx, "privileges")
	if err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO privileges (id, builtin_name, name, roles, web_shell) VALUES (?, ?, ?, ?, ?)`,
		id, nullString(p.BuiltinName), p.Name, string(roles), p.WebShell); err != nil {
		return fmt.Errorf("create privilege: %w", err)
	}
	p.ID = id
	return t.setPrivilegeGroups(ctx, p)
}

// UpdatePrivilege implements keyward.AccountTx.
func (t *accountTx) UpdatePrivilege(ctx context.Context, p *keyward.Privilege) error {
	roles, _ := json.Marshal(nonNil(p.Roles))
	if _, err := t.tx.ExecContext(ctx, `UPDATE privileges SET name = ?, roles = ?, web_shell = ? WHERE id = ?`,
		p.Name, string(roles), p.WebShell, p.ID); err != nil {
		return fmt.Errorf("update privilege: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM privilege_groups WHERE privilege_id = ?`, p.ID); err != nil {
		return fmt.Errorf("update privilege: %w", err)
	}
	return t.setPrivilegeGroups(ctx, p)
}

func (t *accountTx) setPrivilegeGroups(ctx context.Context, p *keyward.Privilege) error {
	for i, gid := range p.GIDs {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO privilege_groups (privilege_id, position, gid) VALUES (?, ?, ?)`,
			p.ID, i, gid); err != nil {
			return fmt.Errorf("privilege %d groups: %w", p.ID, err)
		}
	}
	return nil
}

// DeletePrivilege implements keyward.AccountTx.
func (t *accountTx) DeletePrivilege(ctx context.Context, id int64) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM privileges WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete privilege: %w", err)
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

var _ keyward.AccountStore = (*DB)(nil)
