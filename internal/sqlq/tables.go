package sqlq

import "github.com/keyward/keyward"

// The query tables of the stores: SQLite's and PostgreSQL's schemas name
// the same tables and columns, so each table is described once, here.

// KeyTable maps api_key.query entries onto api_keys k joined with users u,
// as the view shows keys; boolTrue is the dialect's literal for true.
func KeyTable(v keyward.KeyView, boolTrue string) *Table {
	hash := Column{Name: "keyhash", Expr: "k.keyhash", Type: Text}
	salt := Column{Name: "salt", Expr: "k.scram_salt", Type: Text}
	if v.Redact {
		hash.Expr = "'********'"
		salt.Expr = "CASE WHEN k.scram_salt = '' THEN '' ELSE '********' END"
	}
	cols := []Column{
		{Name: "id", Expr: "k.id", Type: Int},
		{Name: "name", Expr: "k.name", Type: Text, Fold: "k.name_fold"},
		{Name: "username", Expr: "u.username", Type: Text, Fold: "u.username_fold",
			Join: &Join{Key: "k.user_id", From: "users u", ID: "u.id"}},
		{Name: "user_identifier", Expr: "k.user_id", Type: Int},
	}
	if v.SCRAM { // v26.0.0's fields instead of keyhash (scram.md 9.5)
		cols = append(cols, Column{Name: "iterations", Expr: "k.scram_iterations", Type: Int}, salt,
			Column{Name: "stored_key", Expr: "'********'", Type: Text},
			Column{Name: "server_key", Expr: "'********'", Type: Text})
	} else {
		cols = append(cols, hash)
	}
	cols = append(cols,
		Column{Name: "created_at", Expr: "k.created_at", Type: DateTime},
		Column{Name: "expires_at", Expr: "k.expires_at", Type: DateTime, Nullable: true},
		Column{Name: "local", Expr: boolTrue, Type: Bool},
		Column{Name: "revoked", Expr: "k.revoked", Type: Bool},
		Column{Name: "revoked_reason", Expr: "k.revoked_reason", Type: Text, Nullable: true},
	)
	return &Table{Columns: cols, DefaultOrder: "k.id"}
}

// AuditTable maps audit records onto the audit table a.
var AuditTable = &Table{
	Columns: []Column{
		{Name: "audit_id", Expr: "a.audit_id", Type: Text},
		{Name: "message_timestamp", Expr: "a.message_timestamp", Type: Int},
		{Name: "timestamp", Expr: "a.timestamp", Type: DateTime},
		{Name: "address", Expr: "a.address", Type: Text},
		{Name: "username", Expr: "a.username", Type: Text},
		{Name: "session", Expr: "a.session", Type: Text, Nullable: true},
		{Name: "service", Expr: "a.service", Type: Text},
		{Name: "service_data", Expr: "a.service_data", Type: JSON},
		{Name: "event", Expr: "a.event", Type: Text},
		{Name: "event_data", Expr: "a.event_data", Type: JSON},
		{Name: "success", Expr: "a.success", Type: Bool},
	},
	DefaultOrder: "a.id",
}
