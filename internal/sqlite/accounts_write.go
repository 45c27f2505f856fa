package sqlite

import (
	"context"
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

// CreateUser implements keyward.AccountTx.
func (t *accountTx) CreateUser(ctx context.Context, u *keyward.User) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	res, err := t.tx.ExecContext(ctx, `INSERT INTO users (uid, username, username_fold, full_name, password_hash,
		password_disabled, locked, group_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.UID, u.Username, query.Fold(u.Username), u.FullName, nullString(u.PasswordHash), u.PasswordDisabled,
		u.Locked, u.GroupID, u.CreatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	if u.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return t.setMemberships(ctx, u)
}

// UpdateUser implements keyward.AccountTx.
func (t *accountTx) UpdateUser(ctx context.Context, u *keyward.User) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE users SET uid = ?, username = ?, username_fold = ?, full_name = ?,
		password_hash = ?, password_disabled = ?, locked = ?, group_id = ? WHERE id = ?`,
		u.UID, u.Username, query.Fold(u.Username), u.FullName, nullString(u.PasswordHash), u.PasswordDisabled,
		u.Locked, u.GroupID, u.ID)
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
	res, err := t.tx.ExecContext(ctx, `INSERT INTO groups (gid, name, builtin) VALUES (?, ?, ?)`, g.GID, g.Name, g.Builtin)
	if err != nil {
		return fmt.Errorf("create group: %w", err)
	}
	g.ID, err = res.LastInsertId()
	return err
}

// DeleteGroup implements keyward.AccountTx.
func (t *accountTx) DeleteGroup(ctx context.Context, id int64) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM groups WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete group: %w", err)
	}
	return nil
}

// CreatePrivilege implements keyward.AccountTx.
func (t *accountTx) CreatePrivilege(ctx context.Context, p *keyward.Privilege) error {
	roles, _ := json.Marshal(nonNil(p.Roles))
	res, err := t.tx.ExecContext(ctx, `INSERT INTO privileges (builtin_name, name, roles, web_shell) VALUES (?, ?, ?, ?)`,
		nullString(p.BuiltinName), p.Name, string(roles), p.WebShell)
	if err != nil {
		return fmt.Errorf("create privilege: %w", err)
	}
	if p.ID, err = res.LastInsertId(); err != nil {
		return err
	}
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
