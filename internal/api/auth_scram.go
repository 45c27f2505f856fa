package api

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

// scramVariant is login_data's SCRAM variant (v26.0.0 and later; scram.md
// 2.2): no login_options.
func scramVariant() schema.Variant {
	return schema.Variant{Tag: string(keyward.MechSCRAM), Schema: schema.Object(
		schema.Req("scram_type", schema.Enum(string(keyward.SCRAMClientFirst), string(keyward.SCRAMClientFinal))).Doc(
			"The step: the client-first message, then the client-final."),
		// The client-final carries the proof: never recorded. No length
		// bound here: a message longer than scram.MaxMessageLen is the
		// SCRAM parser's AUTH_ERR (scram.md 9.7), which also uses up a
		// pending exchange, not a validation error that would leave it.
		schema.Req("rfc_str", schema.String().Len(0, rpc.MaxMessageBytes).Sensitive()).Doc(
			"The RFC 5802 message: `n,,n=<username>:<key id>,r=<nonce>` (or `p=tls-server-end-point,,…` to bind "+
				"to the TLS channel), then `c=…,r=…,p=…`."),
	)}
}

// scramResult is the SCRAM_RESPONSE answer (scram.md 2.2, 2.3).
func scramResult() *schema.Schema {
	return schema.Object(
		schema.Req("response_type", schema.Const(string(keyward.LoginSCRAM))),
		schema.Req("scram_type", schema.Enum(string(keyward.SCRAMServerFirst), string(keyward.SCRAMServerFinal))),
		schema.Req("rfc_str", schema.String()).Doc("The server-first `r=…,s=…,i=…`, or the server-final `v=…`."),
		schema.Req("user_info", userInfoOrNull).Doc("The auth.me object of the new session in the final answer; null in the first."),
	)
}

// loginSCRAM runs one SCRAM step of auth.login_ex. A failed step is
// answered after the failed-login delay; a client-final without a
// pending exchange is an error, answered at once.
func (d *Handlers) loginSCRAM(ctx context.Context, c *rpc.Call, step keyward.SCRAMType, rfc string) (any, error) {
	if step == keyward.SCRAMClientFirst {
		a := d.Svc.SCRAMFirst(ctx, c.Caller, c.Conn, rfc)
		if a.Response != keyward.LoginSCRAM {
			d.Svc.FailDelay(ctx)
			return map[string]any{"response_type": a.Response}, nil
		}
		return map[string]any{"response_type": a.Response, "scram_type": keyward.SCRAMServerFirst,
			"rfc_str": a.RFC, "user_info": nil}, nil
	}
	a, err := d.Svc.SCRAMFinal(ctx, c.Caller, c.Conn, rfc)
	if err != nil {
		return nil, err
	}
	if a.Response != keyward.LoginSCRAM {
		d.Svc.FailDelay(ctx)
		return map[string]any{"response_type": a.Response}, nil
	}
	d.establish(c, a.Session)
	return map[string]any{"response_type": a.Response, "scram_type": keyward.SCRAMServerFinal,
		"rfc_str": a.RFC, "user_info": d.userInfo(c.Conn.Server().Registry(), a.Session)}, nil
}
