package acceptance_test

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestSecurityAttackAnonymousValues (attack finding F2): a message sent
// before login may hold at most 256 JSON values; more is refused as
// invalid JSON before it is decoded further (decoded values cost about
// seventy times their text), and the connection goes on serving.
func TestSecurityAttackAnonymousValues(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	many := "[" + strings.TrimSuffix(strings.Repeat("{},", 300), ",") + "]"
	msg := `{"jsonrpc":"2.0","id":1,"method":"auth.login_ex","params":` + many + `}`
	c := apptest.MustDial(t, srv.WSURL("current"))
	c.Send(msg)
	r := c.Read()
	if apptest.Code(r) != -32700 || !strings.Contains(apptest.String(r), "more than 256 values") {
		t.Fatalf("300 values before login: %s", apptest.String(r))
	}
	if got := c.MustResult("core.ping"); got != "pong" {
		t.Fatalf("core.ping after the refusal: %v", got)
	}
	c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	c.Send(strings.Replace(msg, "auth.login_ex", "core.ping", 1))
	if r := c.Read(); apptest.Code(r) == -32700 {
		t.Fatalf("after login the same message is refused as JSON: %s", apptest.String(r))
	}
}

// TestSecurityAttackAuditFloodBeforeLogin (attack finding F3): calls of
// methods that need a login, made without one, are refused and audited at
// most rate_limit_calls times a window per address; the rest get EBUSY
// and write nothing.
func TestSecurityAttackAuditFloodBeforeLogin(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, limitLogins)
	admin := srv.MustSetupAdmin(t)
	c := apptest.MustDialFrom(t, srv.WSURL("current"), "127.0.0.2")
	big := strings.Repeat("A", 5000)
	for i := range 25 {
		r := c.Call("user.update", 1, map[string]any{"full_name": big})
		want := int64(207)
		if i >= 20 {
			want = 16
		}
		if apptest.Errno(r) != want {
			t.Fatalf("call %d: %s", i+1, apptest.String(r))
		}
	}
	n := admin.MustResult("audit.query", map[string]any{"query-filters": []any{[]any{"event", "=", "METHOD_CALL"},
		[]any{"address", "=", "127.0.0.2"}}, "query-options": map[string]any{"count": true}})
	if apptest.String(n) != "20" {
		t.Fatalf("METHOD_CALL records from 127.0.0.2: %v, want 20", n)
	}
}
