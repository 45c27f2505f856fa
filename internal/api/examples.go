package api

import (
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/service"
)

// Example values shared by the documented examples. Tests run every
// example against a fresh server whose administrator is "admin" (user 1),
// in method-name order, and compare the shapes of the answers.
var (
	exDate     = map[string]any{"$date": int64(1767225600000)}
	exKeyEntry = map[string]any{"id": 1, "name": "backup-bot", "username": "admin", "user_identifier": 1,
		"iterations": 50000, "salt": "q3h1Vv0bR8mJc2dW9yKx4A==", "stored_key": "********", "server_key": "********",
		"created_at": exDate, "expires_at": nil, "local": true, "revoked": false, "revoked_reason": nil}
	// exKeyCreated is a create result: the raw key, and the real SCRAM
	// values with the client key (scram.md 9.4).
	exKeyCreated = with(with(with(with(exKeyEntry, "key", "1-nO471l9gbNAQr74El9W8CITOJoOBq3BnieW69XweU0fAOMK7AUQnWikaTvt534oE"),
		"client_key", "mZ2v1Yk0cQ8tJ3wE6rT9yU2iO5pA8sD1fG4hJ7kL0zX3cV6bN9mQ2wE5rT8yU1iO4pA7sD0fG3hJ6kL9zX2cVw=="),
		"stored_key", "Yk0cQ8tJ3wE6rT9yU2iO5pA8sD1fG4hJ7kL0zX3cV6bN9mQ2wE5rT8yU1iO4pA7sD0fG3hJ6kL9zX2cV5bN8mQ=="),
		"server_key", "c2VydmVyLWtleS1leGFtcGxlLXNlcnZlci1rZXktZXhhbXBsZS1zZXJ2ZXIta2V5LWV4YW1wbGUtMTIzNDU2Nzg=")
	exUser = map[string]any{"id": 1, "uid": 950, "username": "admin", "full_name": "Local Administrator",
		"locked": false, "password_disabled": false, "builtin": false, "local": true,
		"group":  map[string]any{"id": 4, "bsdgrp_gid": 950, "bsdgrp_group": "admin", "bsdgrp_builtin": false},
		"groups": []any{1}, "roles": []any{"FULL_ADMIN"}, "api_keys": []any{}}
	exGroup = map[string]any{"id": 1, "gid": 544, "name": "builtin_administrators", "group": "builtin_administrators",
		"builtin": true, "local": true, "immutable": true, "users": []any{1}, "roles": []any{"FULL_ADMIN"}}
	exPrivilege = map[string]any{"id": 1, "builtin_name": "LOCAL_ADMINISTRATOR", "name": "Local Administrator",
		"local_groups": []any{exGroup}, "ds_groups": []any{}, "roles": []any{"FULL_ADMIN"}, "web_shell": true}
	exUserInfo = map[string]any{"pw_name": "admin", "pw_gecos": "Local Administrator", "pw_dir": "/var/empty",
		"pw_shell": "/usr/sbin/nologin", "pw_uid": 950, "pw_gid": 950, "grouplist": []any{544, 950}, "sid": nil,
		"source": "LOCAL", "local": true, "attributes": map[string]any{}, "two_factor_config": map[string]any{"secret_configured": false},
		"privilege": map[string]any{"roles": map[string]any{"$set": []any{"FULL_ADMIN"}},
			"allowlist": []any{map[string]any{"method": "*", "resource": "*"}}, "web_shell": true, "webui_access": true},
		"account_attributes": []any{"LOCAL", "SYS_ADMIN"}}
	exSession = map[string]any{"id": "1f0c5a3e-5f7a-4d0e-9c43-0b8e9c1f2a77", "current": true, "internal": false,
		"origin": "127.0.0.1:51512", "credentials": "LOGIN_PASSWORD",
		"credentials_data": map[string]any{"username": "admin", "login_id": "9c2e0b7e-1a4f-4f0b-8d62-2f7c9b1e0a11", "login_at": exDate},
		"created_at":       exDate, "secure_transport": true}
)

func with(m map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for key, val := range m {
		out[key] = val
	}
	out[k] = v
	return out
}

// examples documents each method with calls that work on a fresh server.
var examples = map[string][]rpc.Example{
	"api_key.convert_raw_key": {{Name: "a key that does not exist",
		Params: []any{"99-" + strings.Repeat("a", 64)}, Err: keyward.Invalid("api_key_convert_raw_key", service.MsgKeyMissing)}},
	"api_key.create": {{Name: "a key that never expires", Params: []any{map[string]any{"name": "backup-bot", "username": "admin"}},
		Result: exKeyCreated}},
	"api_key.get_instance": {{Name: "one key", Params: []any{1}, Result: exKeyEntry}},
	"api_key.my_keys":      {{Name: "the caller's keys", Params: []any{}, Result: []any{exKeyEntry}}},
	"api_key.query": {{Name: "newest first", Params: []any{[]any{[]any{"revoked", "=", false}},
		map[string]any{"order_by": []any{"-created_at"}, "limit": 10}}, Result: []any{exKeyEntry}},
		{Name: "count", Params: []any{[]any{}, map[string]any{"count": true}}, Result: 1}},
	"api_key.update": {{Name: "rename", Params: []any{1, map[string]any{"name": "backup-bot-2"}}, Result: with(exKeyEntry, "name", "backup-bot-2")}},
	"audit.query": {{Name: "count the logins", Params: []any{map[string]any{
		"query-filters": []any{[]any{"event", "=", "AUTHENTICATION"}}, "query-options": map[string]any{"count": true}}}, Result: 3},
		{Name: "the latest logins", Params: []any{map[string]any{"query-filters": []any{[]any{"event", "=", "AUTHENTICATION"}},
			"query-options": map[string]any{"order_by": []any{"-message_timestamp"}, "limit": 10, "select": []any{"username", "success", "timestamp"}}}},
			Result: []any{map[string]any{"username": "admin", "success": true, "timestamp": exDate}}},
		{Name: "no limit", Params: []any{map[string]any{}}, Err: keyward.Invalid("audit.query.query-options", msgAuditUnbounded)}},
	"auth.generate_token":    {{Name: "ten minutes", Params: []any{600}, Result: "3xUpH0bq1Zf1J2kqv6m4w7Yc0n5T8rLJ9aS1dQ2eF3gH4iJ5kL6mN7oP8qR9sT0u"}},
	"auth.login_ex_continue": {{Name: "no two-factor login", Params: []any{map[string]any{"mechanism": "OTP_TOKEN", "otp_token": "123456"}}, Err: errOTP}},
	"auth.logout":            {{Name: "log out", Params: []any{}, Result: true}},
	"auth.me":                {{Name: "who am I", Params: []any{}, Result: exUserInfo}},
	"auth.sessions":          {{Name: "own session", Params: []any{[]any{[]any{"current", "=", true}}, map[string]any{"get": true}}, Result: exSession}},
	"core.get_methods":       {{Name: "one namespace", Params: []any{"system"}, Result: map[string]any{"system.version": map[string]any{"description": systemVersionDoc, "no_auth_required": false, "roles": []any{}}}}},
	"group.get_instance":     {{Name: "builtin_administrators", Params: []any{1}, Result: exGroup}},
	"group.query":            {{Name: "built-in", Params: []any{[]any{[]any{"builtin", "=", true}}, map[string]any{"select": []any{"gid", "name"}}}, Result: []any{map[string]any{"gid": 544, "name": "builtin_administrators"}}}},
	"privilege.create":       {{Name: "key managers", Params: []any{map[string]any{"name": "Key managers", "roles": []any{"API_KEY_WRITE"}, "web_shell": false}}, Result: with(with(exPrivilege, "builtin_name", nil), "local_groups", []any{})}},
	"privilege.delete":       {{Name: "a built-in privilege", Params: []any{1}, Err: keyward.Errorf(keyward.EPERM, "Unable to delete built-in privilege")}},
	"privilege.get_instance": {{Name: "Local Administrator", Params: []any{1}, Result: exPrivilege}},
	"privilege.query":        {{Name: "built-in", Params: []any{[]any{[]any{"builtin_name", "!=", nil}}, map[string]any{"select": []any{"id", "name"}}}, Result: []any{map[string]any{"id": 1, "name": "Local Administrator"}}}},
	"privilege.update":       {{Name: "web shell", Params: []any{1, map[string]any{"web_shell": true}}, Result: exPrivilege}},
	"system.info": {{Name: "facts", Params: []any{}, Result: map[string]any{"version": SystemVersion, "product_version": keyward.ProductVersion,
		"hostname": "keyward", "timezone": "UTC", "datetime": exDate, "uptime_seconds": 12.5}}},
	"user.create": {{Name: "a service account", Params: []any{map[string]any{"username": "svc_backup", "full_name": "Backup service",
		"password_disabled": true, "group_create": true}}, Result: with(with(exUser, "username", "svc_backup"), "roles", []any{})}},
	"user.delete":                         {{Name: "missing", Params: []any{99999}, Err: keyward.NotFound("User", 99999)}},
	"user.get_instance":                   {{Name: "the administrator", Params: []any{1}, Result: exUser}},
	"user.has_local_administrator_set_up": {{Name: "after setup", Params: []any{}, Result: true}},
	"user.query":                          {{Name: "by name", Params: []any{[]any{[]any{"username", "=", "admin"}}, map[string]any{"select": []any{"id", "username"}}}, Result: []any{map[string]any{"id": 1, "username": "admin"}}}},
	"user.setup_local_administrator":      {{Name: "a second time", Params: []any{"admin", "s3cret"}, Err: service.ErrAdminSetUp}},
	"user.update":                         {{Name: "full name", Params: []any{1, map[string]any{"full_name": "Administrator"}}, Result: with(exUser, "full_name", "Administrator")}},
}

// withExamples sets each method's documented examples.
func withExamples(ms []*rpc.Method) []*rpc.Method {
	for _, m := range ms {
		if ex, ok := examples[m.Name]; ok {
			m.Examples = ex
		}
	}
	return ms
}

// checkExamples panics at start-up on examples of a method the registry
// does not have: a mistyped name would otherwise drop them silently.
func checkExamples(r *rpc.Registry) {
	for name := range examples {
		if !r.Exists(name) {
			panic("api: examples for a method that does not exist: " + name)
		}
	}
}
