package api

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

// loginOptions is login_options; v26 adds reconnect_token.
func loginOptions(v26 bool) schema.Field {
	fields := []schema.Field{schema.Opt("user_info", schema.Bool(), true).Doc("Include user_info in a SUCCESS answer.")}
	def := map[string]any{"user_info": true}
	if v26 {
		fields = append(fields, schema.Opt("reconnect_token", schema.Bool(), false).Doc(
			"Include a reconnect_token in a SUCCESS answer: a single-use token for this client address that logs in again (TOKEN_PLAIN) after a dropped connection."))
		def["reconnect_token"] = false
	}
	return schema.Opt("login_options", schema.Object(fields...), def)
}

// loginData is auth.login_ex's login_data on v26.0.0 (v26) or 25.x: v26
// adds the SCRAM variant.
func loginData(v26 bool) *schema.Schema {
	variants := plainVariants(v26)
	if v26 {
		variants = append(variants, scramVariant())
	}
	return schema.Union("mechanism", "AuthMech", variants...).Desc("Login data, tagged by `mechanism`.")
}

// plainVariants are the login_data variants of every version.
func plainVariants(v26 bool) []schema.Variant {
	return []schema.Variant{
		{Tag: string(keyward.MechAPIKeyPlain), Schema: schema.Object(
			schema.Req("username", schema.String().Len(1, 0).RecordAs(service.RecordedUsername)).Doc("The key's owner."),
			schema.Req("api_key", schema.String().Sensitive()).Doc("The raw key, `<id>-<secret>`."),
			loginOptions(v26))},
		{Tag: string(keyward.MechPasswordPlain), Schema: schema.Object(
			schema.Req("username", schema.String().RecordAs(service.RecordedUsername)),
			schema.Req("password", schema.String().Sensitive()),
			loginOptions(v26))},
		{Tag: string(keyward.MechTokenPlain), Schema: schema.Object(
			schema.Req("token", schema.String().Sensitive()).Doc("A token from auth.generate_token."),
			loginOptions(v26))},
		{Tag: string(keyward.MechOTPToken), Schema: schema.Object(
			schema.Req("otp_token", schema.String().Sensitive()),
			loginOptions(v26))},
	}
}

// userInfoOrNull is the user_info member of login answers. OrNull marks
// the schema it is called on, so it is called once, at start-up, and not
// by each registry built (tests build several at once); it marks
// userInfoSchema itself: auth.me answers null when the user is gone.
var userInfoOrNull = userInfoSchema.OrNull()

// loginResult is auth.login_ex's result on v26.0.0 (v26) or 25.x: v26
// adds SUCCESS.reconnect_token and the DENIED answer.
func loginResult(v26 bool) *schema.Schema {
	success := []schema.Field{
		schema.Req("response_type", schema.Const(string(keyward.LoginSuccess))),
		schema.Req("user_info", userInfoOrNull),
		schema.Req("authenticator", schema.Const("LEVEL_1")),
	}
	failures := []string{string(keyward.LoginAuthErr), string(keyward.LoginExpired)}
	if v26 {
		success = append(success, schema.Req("reconnect_token", schema.String().Sensitive().OrNull()).Doc(
			"A reconnect token when login_options.reconnect_token asked for one, else null."))
		failures = append(failures, string(keyward.LoginDenied))
	}
	alts := []*schema.Schema{schema.Object(success...), schema.Object(schema.Req("response_type", schema.Enum(failures...)))}
	if v26 {
		alts = append(alts, scramResult())
	}
	return schema.AnyOf(alts...)
}

var errOTP = keyward.Errorf(keyward.EINVAL, "OTP_TOKEN: no authentication in progress")

func (d *Handlers) loginExMethod() *rpc.Method {
	return &rpc.Method{
		Name:    "auth.login_ex",
		Summary: "Log in with a password, an API key or a token.",
		Description: "Authenticates the connection. `response_type` is `SUCCESS` (with `user_info`, " +
			"`authenticator` and, from v26.0.0, `reconnect_token`), `AUTH_ERR` for any credential failure (never saying which), `EXPIRED` for a " +
			"correct but expired API key or one refused over an insecure transport, or (from v26.0.0) `DENIED` for a correct " +
			"password or key of an account without roles (AUTH_ERR before v26.0.0). From v26.0.0 an API key also " +
			"logs in by `SCRAM` (SCRAM-SHA-512, optionally bound to the TLS channel) in two calls, each answered " +
			"`SCRAM_RESPONSE`: the server-first, then the server-final with `user_info`. Failed answers wait the " +
			"failed-login delay; login calls of one connection run one at a time.",
		Params: []schema.Field{schema.Req("login_data", loginData(true))},
		Result: loginResult(true),
		Versions: map[keyward.Version]rpc.VersionSpec{keyward.V25_10: {
			Params: []schema.Field{schema.Req("login_data", loginData(false))}, Result: loginResult(false)}},
		Access: rpc.NoAuth,
		Login:  true,
		Examples: []rpc.Example{{Name: "wrong password",
			Params: []any{map[string]any{"mechanism": "PASSWORD_PLAIN", "username": "nobody", "password": "wrong"}},
			Result: map[string]any{"response_type": "AUTH_ERR"}}},
		Errors: []rpc.ErrorDoc{{Code: rpc.CodeCallError, Errno: keyward.EINVAL, Message: errOTP.Reason()},
			{Code: rpc.CodeCallError, Errno: keyward.EFAULT, Message: service.ErrSCRAMNotInProgress.Reason()}},
		Handler: d.loginEx,
	}
}

func (d *Handlers) loginEx(ctx context.Context, c *rpc.Call) (any, error) {
	var in struct {
		Mechanism    string `json:"mechanism"`
		Username     string `json:"username"`
		Password     string `json:"password"`
		APIKey       string `json:"api_key"`
		Token        string `json:"token"`
		SCRAMType    string `json:"scram_type"`
		RFCStr       string `json:"rfc_str"`
		LoginOptions struct {
			UserInfo       bool `json:"user_info"`
			ReconnectToken bool `json:"reconnect_token"`
		} `json:"login_options"`
	}
	if err := schema.Decode(c.Params[0], &in); err != nil {
		return nil, err
	}
	if keyward.Mechanism(in.Mechanism) == keyward.MechSCRAM {
		return d.loginSCRAM(ctx, c, keyward.SCRAMType(in.SCRAMType), in.RFCStr)
	}
	d.Svc.DiscardSCRAM(c.Conn)
	var sess *keyward.Session
	var resp keyward.LoginResponse
	switch keyward.Mechanism(in.Mechanism) {
	case keyward.MechPasswordPlain:
		sess, resp = d.Svc.LoginPassword(ctx, c.Caller, c.Conn, in.Username, in.Password)
	case keyward.MechTokenPlain:
		sess, resp = d.Svc.LoginToken(ctx, c.Caller, c.Conn, in.Token)
	case keyward.MechAPIKeyPlain:
		sess, resp = d.Svc.LoginAPIKey(ctx, c.Caller, c.Conn, in.Username, in.APIKey)
	default:
		return nil, errOTP
	}
	if resp != service.Success {
		d.Svc.FailDelay(ctx)
		return map[string]any{"response_type": resp}, nil
	}
	d.establish(c, sess)
	var info any
	if in.LoginOptions.UserInfo {
		info = d.userInfo(c.Conn.Server().Registry(), sess)
	}
	out := map[string]any{"response_type": resp, "user_info": info, "authenticator": "LEVEL_1"}
	if !c.Caller.Version.Before(keyward.V26_0) {
		out["reconnect_token"] = d.reconnectToken(c, in.LoginOptions.ReconnectToken)
	}
	return out, nil
}

// reconnectToken is SUCCESS.reconnect_token: a token when asked for, else
// null. The login has succeeded whatever happens here: a token refused
// (the session ended meanwhile) is null too.
func (d *Handlers) reconnectToken(c *rpc.Call, asked bool) any {
	if !asked {
		return nil
	}
	token, err := d.Svc.ReconnectToken(c.Caller)
	if err != nil {
		return nil
	}
	return token
}

// establish makes sess, which the service has installed on the
// connection, the caller of the rest of this call.
func (d *Handlers) establish(c *rpc.Call, sess *keyward.Session) {
	c.Caller.Session = sess
	c.Caller.Username = sess.Username
	c.Caller.Roles = d.Svc.Roles(sess.UserID)
}

// boolLogin finishes the bool login methods: false after the delay, or
// true with the session established.
func (d *Handlers) boolLogin(ctx context.Context, c *rpc.Call, sess *keyward.Session, resp keyward.LoginResponse) (any, error) {
	if resp != service.Success {
		d.Svc.FailDelay(ctx)
		return false, nil
	}
	d.establish(c, sess)
	return true, nil
}

func (d *Handlers) loginMethods() []*rpc.Method {
	boolResult := schema.Bool().Desc("Whether the login succeeded.")
	return []*rpc.Method{d.loginExMethod(), {
		Name:        "auth.login",
		Summary:     "Log in with a username and password.",
		Description: "PASSWORD_PLAIN login returning a boolean. `otp_token` is ignored.",
		Params: []schema.Field{schema.Req("username", schema.String().RecordAs(service.RecordedUsername)),
			schema.Req("password", schema.String().Sensitive()),
			schema.Opt("otp_token", schema.String().OrNull().Sensitive(), nil)},
		Result: boolResult, Access: rpc.NoAuth, Login: true,
		Examples: []rpc.Example{{Name: "wrong password", Params: []any{"nobody", "wrong"}, Result: false}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			sess, resp := d.Svc.LoginPassword(ctx, c.Caller, c.Conn, c.Params[0].(string), c.Params[1].(string))
			return d.boolLogin(ctx, c, sess, resp)
		},
	}, {
		Name:        "auth.login_with_api_key",
		Summary:     "Log in with an API key.",
		Description: "Reads the key id before the first `-` and logs in as the key's owner (API_KEY_PLAIN rules). Returns a boolean; `EXPIRED` gives false.",
		Params:      []schema.Field{schema.Req("api_key", schema.String().Sensitive())},
		Result:      boolResult, Access: rpc.NoAuth, Login: true,
		Examples: []rpc.Example{{Name: "invalid key", Params: []any{"invalid_api_key"}, Result: false}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			sess, resp := d.Svc.LoginAPIKeyOnly(ctx, c.Caller, c.Conn, c.Params[0].(string))
			return d.boolLogin(ctx, c, sess, resp)
		},
	}, {
		Name:        "auth.login_with_token",
		Summary:     "Log in with a token.",
		Description: "TOKEN_PLAIN login returning a boolean.",
		Params:      []schema.Field{schema.Req("token", schema.String().Sensitive())},
		Result:      boolResult, Access: rpc.NoAuth, Login: true,
		Examples: []rpc.Example{{Name: "unknown token", Params: []any{"nope"}, Result: false}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			sess, resp := d.Svc.LoginToken(ctx, c.Caller, c.Conn, c.Params[0].(string))
			return d.boolLogin(ctx, c, sess, resp)
		},
	}, {
		Name:        "auth.login_ex_continue",
		Summary:     "Continue a multi-step login (not provided).",
		Description: "Two-factor authentication is not provided: always fails with EINVAL.",
		Params: []schema.Field{schema.Req("login_data", schema.Union("mechanism", "AuthMech",
			schema.Variant{Tag: string(keyward.MechOTPToken), Schema: schema.Object(schema.Req("otp_token", schema.String().Sensitive()))}))},
		Result: schema.Null(), Access: rpc.NoAuth, Login: true,
		Errors:  []rpc.ErrorDoc{{Code: rpc.CodeCallError, Errno: keyward.EINVAL, Message: errOTP.Reason()}},
		Handler: func(context.Context, *rpc.Call) (any, error) { return nil, errOTP },
	}, {
		Name:    "auth.mechanism_choices",
		Inline:  true,
		Summary: "List the login mechanisms.",
		Description: "Returns the mechanisms auth.login_ex accepts on this path: `SCRAM` is listed on v26.0.0 " +
			"and later only.",
		Result: schema.List(schema.String()), Access: rpc.NoAuth,
		Examples: []rpc.Example{{Name: "choices", Params: []any{}, Result: []any{"API_KEY_PLAIN", "TOKEN_PLAIN", "PASSWORD_PLAIN", "SCRAM"}}},
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			return mechanismChoices(c.Caller.Version), nil
		},
	}}
}

// mechanismChoices lists the mechanisms offered on version v (scram.md
// S3: SCRAM only where auth.login_ex accepts it).
func mechanismChoices(v keyward.Version) []any {
	out := []any{keyward.MechAPIKeyPlain, keyward.MechTokenPlain, keyward.MechPasswordPlain}
	if !v.Before(keyward.V26_0) {
		out = append(out, keyward.MechSCRAM)
	}
	return out
}
