package postgres_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward"
)

// readDump reads the migrated tables of the database at url row by row,
// in the order and shape sqlite.Export gives them.
func readDump(t *testing.T, url string) *keyward.Dump {
	t.Helper()
	conn := mustConnect(t, url)
	d := &keyward.Dump{}
	collect(t, conn, &d.Groups, `SELECT id, gid, name, builtin FROM groups ORDER BY id`)
	collect(t, conn, &d.Users, `SELECT id, stamp, token_epoch, uid, username, full_name, password_hash,
		password_disabled, locked, group_id, created_at FROM users ORDER BY id`)
	collect(t, conn, &d.UserGroups, `SELECT user_id, group_id FROM user_groups ORDER BY user_id, group_id`)
	collect(t, conn, &d.Privileges, `SELECT id, builtin_name, name, roles, web_shell FROM privileges ORDER BY id`)
	collect(t, conn, &d.PrivilegeGroups, `SELECT privilege_id, position::bigint, gid FROM privilege_groups
		ORDER BY privilege_id, position`)
	collect(t, conn, &d.Keys, `SELECT id, name, user_id, keyhash, scram, created_at, expires_at, revoked, revoked_reason,
		revoked_at, secret_gen FROM api_keys ORDER BY id`)
	collect(t, conn, &d.InsecureUses, `SELECT key_id, address, first, last FROM api_key_insecure_uses ORDER BY key_id`)
	collect(t, conn, &d.Audit, `SELECT id, audit_id, message_timestamp, timestamp, address, username, session, service,
		service_data, event, event_data, success FROM audit ORDER BY id`)
	collect(t, conn, &d.PepperChecks, `SELECT pepper_id, check_value, recorded_at FROM pepper_checks ORDER BY pepper_id`)
	return d
}

// collect reads the rows of sql into *out, one struct per row by position.
func collect[T any](t *testing.T, conn *pgx.Conn, out *[]T, sql string) {
	t.Helper()
	rows, err := conn.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[T])
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if len(got) > 0 {
		*out = got
	}
}

// stripCounters returns d without the counters readDump cannot read.
func stripCounters(d *keyward.Dump) *keyward.Dump {
	c := *d
	c.LastIDs, c.Generations = nil, nil
	return &c
}

// show renders v for a failure message.
func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
