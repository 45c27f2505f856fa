package api

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

// keyEntrySchema is the api_key entry of version v: the newest has every
// field; v25.04.0 drops revoked_reason and its username is never null.
func keyEntrySchema(v keyward.Version) *schema.Schema {
	fields := []schema.Field{
		schema.Req("id", schema.Int()).Doc("Database id, also the prefix of the raw key."),
		schema.Req("name", schema.String().Len(1, 200)),
		schema.Req("username", schema.String().OrNull()).Doc("The owner's username."),
		schema.Req("user_identifier", schema.Int()).Doc("The owner's user id."),
		schema.Req("keyhash", schema.String()).Doc("The stored keyed hash, or `********` without API_KEY_WRITE."),
		schema.Req("created_at", schema.DateTime()),
		schema.Req("expires_at", schema.DateTime().OrNull()).Doc("Null: never expires."),
		schema.Req("local", schema.Bool()),
		schema.Req("revoked", schema.Bool()),
		schema.Req("revoked_reason", schema.String().OrNull()),
	}
	if v == keyward.V25_04 {
		fields[2] = schema.Req("username", schema.String()).Doc("The owner's username.")
		fields = fields[:len(fields)-1]
	}
	return schema.Object(fields...).Named("ApiKey")
}

// withKey adds the raw key to an entry schema (create and reset results).
func withKey(entry *schema.Schema) *schema.Schema {
	out := *entry
	out.Fields = append(append([]schema.Field{}, entry.Fields...),
		schema.Maybe("key", schema.String().Sensitive()).Doc("The raw key `<id>-<64 characters>`, shown only here."))
	return &out
}

func keyVersions(params func(keyward.Version) []schema.Field, result func(keyward.Version) *schema.Schema) map[keyward.Version]rpc.VersionSpec {
	spec := rpc.VersionSpec{Result: result(keyward.V25_04)}
	if params != nil {
		spec.Params = params(keyward.V25_04)
	}
	return map[keyward.Version]rpc.VersionSpec{keyward.V25_04: spec}
}

var keyCreateSchema = schema.Object(
	schema.Req("name", schema.String().Len(1, 200).Kept()).Doc("Unique across all keys; stored without leading and trailing white space, and must keep a non-space character."),
	schema.Req("username", schema.String().Len(1, 0).RecordAs(service.RecordedUsername)).Doc("The owner, a user with roles."),
	schema.Opt("expires_at", schema.DateTime().OrNull(), nil).Doc("Null: never expires."),
).Named("ApiKeyCreate")

var keyUpdateSchema = schema.Object(
	schema.Maybe("name", schema.String().Len(1, 200).Kept()).Doc("Stored without leading and trailing white space; must keep a non-space character."),
	schema.Maybe("expires_at", schema.DateTime().OrNull()).Doc("Null clears the expiry."),
	schema.Opt("reset", schema.Bool(), false).Doc("Issue a new secret under the same id; un-revokes the key."),
).Named("ApiKeyUpdate")

var (
	keyRead  = []keyward.Role{keyward.APIKeyRead}
	keyWrite = []keyward.Role{keyward.APIKeyWrite, keyward.ReadonlyAdmin}
)

func (d *Handlers) keyName(params []any) string {
	if id, ok := paramID(params, 0); ok {
		if k, err := d.Svc.GetKey(context.Background(), id); err == nil {
			return k.Name
		}
	}
	return ""
}

// keyEntry renders a key as the newest version's api_key entry for a
// caller with view v (the engine cuts it to the caller's version); the
// owner's name comes from the accounts.
func (d *Handlers) keyEntry(k *keyward.APIKey, v keyward.KeyView) map[string]any {
	var username, expires, reason any
	if u := d.Svc.Accounts().User(k.UserID); u != nil {
		username = u.Username
	}
	if k.ExpiresAt != nil {
		expires = *k.ExpiresAt
	}
	if k.Revoked {
		reason = k.RevokedReason
	}
	hash := k.Hash
	if v.Redact {
		hash = service.Redacted
	}
	return map[string]any{
		"id": k.ID, "name": k.Name, "username": username, "user_identifier": k.UserID, "keyhash": hash,
		"created_at": k.CreatedAt, "expires_at": expires, "local": true, "revoked": k.Revoked, "revoked_reason": reason,
	}
}

// renderKeyEvent renders the key of an api_key.query event for a
// subscriber.
func (d *Handlers) renderKeyEvent(_ context.Context, c *keyward.Caller, entity any) (any, bool) {
	k, ok := entity.(*keyward.APIKey)
	if !ok {
		return nil, false
	}
	return d.keyEntry(k, service.View(c)), true
}

// keyResult renders a key for the caller, with the raw key when given.
func (d *Handlers) keyResult(c *rpc.Call, k *keyward.APIKey, raw string) map[string]any {
	e := d.keyEntry(k, service.View(c.Caller))
	if raw != "" {
		e["key"] = raw
	}
	return e
}
