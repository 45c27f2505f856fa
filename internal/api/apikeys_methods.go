package api

import (
	"context"
	"fmt"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

func (d *Handlers) keyMethods() []*rpc.Method {
	cur := keyEntrySchema(keyward.Current)
	return []*rpc.Method{{
		Name: "api_key.query", Summary: "Query API keys.",
		Description: "Queries every API key (query method); default order is id ascending. `keyhash` is `********` " +
			"without API_KEY_WRITE, also for filtering and sorting. The raw key never appears.",
		Params: queryParams(keyward.Current), Query: true, Result: listResult(cur), Roles: keyRead,
		Versions: keyVersions(queryParams, func(v keyward.Version) *schema.Schema { return listResult(keyEntrySchema(v)) }),
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			f, o, err := queryCall(c)
			if err != nil {
				return nil, err
			}
			return d.Svc.QueryKeys(ctx, f, o)
		},
	}, {
		Name: "api_key.get_instance", Summary: "Get one API key.", Description: "Returns the key with that id.",
		Params: getInstanceParams(), Result: cur, Roles: keyRead,
		Versions: keyVersions(nil, keyEntrySchema),
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			k, err := d.Svc.GetKey(ctx, c.Params[0].(int64))
			if err != nil {
				return nil, err
			}
			return getInstance("ApiKey", []map[string]any{d.keyResult(c, &service.Issued{Key: k})}, k.ID, c.Params[1])
		},
	}, {
		Name: "api_key.my_keys", Summary: "List the caller's API keys.", Description: "Returns the keys owned by the session's user, by id.",
		Result: schema.List(cur), Roles: keyRead,
		Versions: keyVersions(nil, func(v keyward.Version) *schema.Schema { return schema.List(keyEntrySchema(v)) }),
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			f, err := ownerFilter(c.Caller.Session.UserID)
			if err != nil {
				return nil, err
			}
			return d.Svc.QueryKeys(ctx, f, nil)
		},
	}, d.keyCreateMethod(), d.keyUpdateMethod(), d.keyDeleteMethod(), d.keyConvertMethod()}
}

func (d *Handlers) keyCreateMethod() *rpc.Method {
	return &rpc.Method{
		Name: "api_key.create", Summary: "Create an API key.",
		Description: "Creates a key for a user and returns its entry with `key`, the raw key, shown only here. " +
			"Without API_KEY_WRITE only one's own keys; without FULL_ADMIN not for a user holding roles the caller does not hold.",
		Params: []schema.Field{schema.Req("api_key_create", keyCreateSchema)},
		Result: withKey(keyward.Current), Roles: keyWrite,
		Versions: keyVersions(nil, withKey),
		Audit:    auditName("Create API key", func(p []any) string { return paramField(p, 0, "name") }),
		Errors: []rpc.ErrorDoc{{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: service.MsgNameTaken},
			{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: service.ErrBlankName},
			{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: service.MsgExpiryPast},
			{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: service.MsgNoSuchOwner},
			{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: service.MsgOwnerWithoutRoles},
			{Code: rpc.CodeCallError, Errno: keyward.EACCES, Message: fmt.Sprintf(service.MsgNotOwner, "<caller>")}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			var in service.KeyCreate
			if err := schema.Decode(c.Params[0], &in); err != nil {
				return nil, err
			}
			issued, err := d.Svc.CreateKey(ctx, in)
			if err != nil {
				return nil, err
			}
			return d.keyResult(c, issued), nil
		},
	}
}

func (d *Handlers) keyUpdateMethod() *rpc.Method {
	return &rpc.Method{
		Name: "api_key.update", Summary: "Change, renew or reset an API key.",
		Description: "Renames a key or changes its expiry (at once, also for open sessions). With `reset: true` " +
			"issues a new secret under the same id, clears a revocation and ends the key's sessions; the result " +
			"then has `key`, and only then.",
		Params: []schema.Field{schema.Req("id", schema.Int()), schema.Req("api_key_update", keyUpdateSchema)},
		Result: withKey(keyward.Current), Roles: keyWrite,
		Versions: keyVersions(nil, withKey),
		Audit:    auditName("Update API key", d.keyName),
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			var in service.KeyUpdate
			if err := schema.Decode(c.Params[1], &in); err != nil {
				return nil, err
			}
			_, issued, err := d.Svc.UpdateKey(ctx, c.Params[0].(int64), in)
			if err != nil {
				return nil, err
			}
			return d.keyResult(c, issued), nil
		},
	}
}

func (d *Handlers) keyDeleteMethod() *rpc.Method {
	return &rpc.Method{
		Name: "api_key.delete", Summary: "Delete an API key.",
		Description: "Deletes a key; sessions opened with it end (a session may delete its own key: it gets `true`, then its session ends).",
		Params:      []schema.Field{schema.Req("id", schema.Int())}, Result: schema.Const(true), Roles: keyWrite,
		Audit:    auditName("Delete API key", d.keyName),
		Examples: []rpc.Example{{Name: "missing", Params: []any{99999}, Err: keyward.NotFound("ApiKey", 99999)}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			if _, err := d.Svc.DeleteKey(ctx, c.Params[0].(int64)); err != nil {
				return nil, err
			}
			return true, nil
		},
	}
}

func (d *Handlers) alertMethod() *rpc.Method {
	return &rpc.Method{
		Name: "alert.list", Summary: "List the current alerts.",
		Description: "ApiKeyRevoked alerts while a key is revoked; ApiKeyInsecureUse alerts after a key was refused over an insecure transport under the reject policy, until it is reset or deleted.",
		Result:      schema.List(schema.Map()), Roles: []keyward.Role{keyward.AlertListRead},
		Examples: []rpc.Example{{Name: "none", Params: []any{}, Result: []any{}}},
		Handler:  func(ctx context.Context, _ *rpc.Call) (any, error) { return d.Svc.Alerts(ctx) },
	}
}

// keyConvertResult is api_key.convert_raw_key's answer (scram.md 5.4).
var keyConvertResult = schema.Object(
	schema.Req("api_key_id", schema.Int()),
	schema.Req("iterations", schema.Int()).Doc("The key's own PBKDF2 count."),
	schema.Req("salt", schema.String()).Doc("Base64; the key's own salt."),
	schema.Req("client_key", schema.String().Sensitive()).Doc("Base64 ClientKey: logs in without the raw key."),
	schema.Req("stored_key", schema.String()).Doc("Base64 StoredKey."),
	schema.Req("server_key", schema.String()).Doc("Base64 ServerKey: lets the client check the server."),
).Named("ApiKeyConvertRawKeyResult")

func (d *Handlers) keyConvertMethod() *rpc.Method {
	return &rpc.Method{
		Name: "api_key.convert_raw_key", Since: keyward.V26_0, Summary: "Turn a raw key into a precomputed SCRAM key file.",
		Description: "Returns the SCRAM credential of a raw API key, with the key's own salt and iteration count, for a " +
			"precomputed key file (`api_key_id`, `client_key`, `stored_key`, `server_key`) that logs in without the raw key. " +
			"The secret must be the key's (TrueNAS does not check it). A key made before SCRAM support gets its SCRAM " +
			"verifier now. Expired keys are converted; revoked ones are not. Not audited.",
		Params: []schema.Field{schema.Req("raw_key", schema.String().Len(1, 0).Sensitive())},
		Result: keyConvertResult, Roles: keyRead,
		Errors: []rpc.ErrorDoc{{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: service.MsgNotRawKey},
			{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: service.MsgInvalidKeyID},
			{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: service.MsgKeySize},
			{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: service.MsgKeyMissing},
			{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: service.MsgKeyRevoked},
			{Code: rpc.CodeInvalidParams, Errno: keyward.EINVAL, Message: service.MsgKeyInvalid}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			cred, err := d.Svc.ConvertRawKey(ctx, c.Params[0].(string))
			if err != nil {
				return nil, err
			}
			return map[string]any{"api_key_id": cred.KeyID, "iterations": cred.Iterations, "salt": b64(cred.Salt),
				"client_key": b64(cred.ClientKey), "stored_key": b64(cred.StoredKey), "server_key": b64(cred.ServerKey)}, nil
		},
	}
}
