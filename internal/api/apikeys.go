package api

import (
	"context"
	"encoding/base64"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

// keyEntrySchema is the api_key entry of version v: v26.0.0 shows the
// SCRAM verifier's parameters instead of keyhash (scram.md 9.5); v25.04.0
// drops revoked_reason and its username is never null.
func keyEntrySchema(v keyward.Version) *schema.Schema {
	verifier := []schema.Field{schema.Req("keyhash", schema.String()).Doc(
		"The stored keyed hash, or `********` without API_KEY_WRITE; `$scram-sha512$<iterations>$<salt>` for an " +
			"imported key that has only its SCRAM verifier until its first plain login.")}
	if !v.Before(keyward.V26_0) {
		verifier = []schema.Field{
			schema.Req("iterations", schema.Int()).Doc("PBKDF2 iterations of the key's SCRAM verifier; 0: the key has none yet (it gets one at its next plain login)."),
			schema.Req("salt", schema.String()).Doc("Base64 salt of the SCRAM verifier, `********` without API_KEY_WRITE, `\"\"` without a verifier."),
			schema.Req("stored_key", schema.String()).Doc("Always `********` here; the real value is in the create or reset result only."),
			schema.Req("server_key", schema.String()).Doc("Always `********` here; the real value is in the create or reset result only."),
		}
	}
	fields := []schema.Field{
		schema.Req("id", schema.Int()).Doc("Database id, also the prefix of the raw key."),
		schema.Req("name", schema.String().Len(1, 200)),
		schema.Req("username", schema.String().OrNull()).Doc("The owner's username."),
		schema.Req("user_identifier", schema.Int()).Doc("The owner's user id."),
	}
	fields = append(fields, verifier...)
	fields = append(fields,
		schema.Req("created_at", schema.DateTime()),
		schema.Req("expires_at", schema.DateTime().OrNull()).Doc("Null: never expires."),
		schema.Req("local", schema.Bool()),
		schema.Req("revoked", schema.Bool()),
		schema.Req("revoked_reason", schema.String().OrNull()),
	)
	if v == keyward.V25_04 {
		fields[2] = schema.Req("username", schema.String()).Doc("The owner's username.")
		fields = fields[:len(fields)-1]
	}
	return schema.Object(fields...).Named("ApiKey")
}

// withKey adds the raw key to an entry schema of version v (create and
// reset results), and on v26 the client_key (scram.md 9.4).
func withKey(v keyward.Version) *schema.Schema {
	entry := keyEntrySchema(v)
	out := *entry
	out.Fields = append(append([]schema.Field{}, entry.Fields...),
		schema.Maybe("key", schema.String().Sensitive()).Doc("The raw key `<id>-<64 characters>`, shown only here."))
	if !v.Before(keyward.V26_0) {
		out.Fields = append(out.Fields, schema.Maybe("client_key", schema.String().Sensitive()).Doc(
			"Base64 SCRAM ClientKey: logs in without the raw key (a precomputed key file); shown only here, "+
				"where salt, stored_key and server_key are real too."))
	}
	return &out
}

// keyVersions gives the api_key methods their shapes on the versions
// before the newest.
func keyVersions(params func(keyward.Version) []schema.Field, result func(keyward.Version) *schema.Schema) map[keyward.Version]rpc.VersionSpec {
	out := map[keyward.Version]rpc.VersionSpec{}
	for _, v := range []keyward.Version{keyward.V25_04, keyward.V25_10} {
		spec := rpc.VersionSpec{Result: result(v)}
		if params != nil {
			spec.Params = params(v)
		}
		out[v] = spec
	}
	return out
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

// keyEntry renders a key as an api_key entry for a caller with view v:
// keyhash before v26, the SCRAM fields from v26 on (scram.md 9.5); the
// engine cuts the rest to the caller's version. The owner's name comes
// from the accounts.
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
	e := map[string]any{
		"id": k.ID, "name": k.Name, "username": username, "user_identifier": k.UserID,
		"created_at": k.CreatedAt, "expires_at": expires, "local": true, "revoked": k.Revoked, "revoked_reason": reason,
	}
	if !v.SCRAM {
		e["keyhash"] = k.Hash
		if v.Redact {
			e["keyhash"] = service.Redacted
		}
		return e
	}
	iterations, salt := keyward.SCRAMParams(k.SCRAM)
	if v.Redact && salt != "" {
		salt = service.Redacted
	}
	e["iterations"], e["salt"], e["stored_key"], e["server_key"] = iterations, salt, service.Redacted, service.Redacted
	return e
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

// keyResult renders a key for the caller. A create or reset result also
// has the raw key, and on v26 its client_key with the real salt,
// stored_key and server_key: the caller holds the raw key anyway
// (scram.md 9.4, difference S4).
func (d *Handlers) keyResult(c *rpc.Call, in *service.Issued) map[string]any {
	view := service.View(c.Caller)
	e := d.keyEntry(in.Key, view)
	if in.Raw != "" {
		e["key"] = in.Raw
	}
	if cred := in.SCRAM; cred != nil && view.SCRAM {
		e["client_key"] = b64(cred.ClientKey)
		e["salt"], e["stored_key"], e["server_key"] = b64(cred.Salt), b64(cred.StoredKey), b64(cred.ServerKey)
	}
	return e
}

// b64 is standard padded base64, as the SCRAM fields travel.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
