package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/service"
)

// TestAuditCall checks the METHOD_CALL record of an audited call, written
// through the real store and read back with audit.query.
func TestAuditCall(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	c := e.login(e.admin)
	e.clock.Advance(time.Minute)
	for _, ok := range []bool{true, false} {
		e.svc.AuditCall(e.as(c), keyward.CallAudit{Caller: c, Method: "api_key.delete", Params: []any{int64(5)},
			Description: "Delete API key", Authenticated: true, Authorized: true, Success: ok})
	}
	recs := e.audit([]any{"event", "=", "METHOD_CALL"})
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	for i, r := range recs {
		data := r["event_data"].(map[string]any)
		if r["success"] != (i == 0) || r["username"] != "admin" || r["session"] != c.ConnID ||
			data["method"] != "api_key.delete" || r["message_timestamp"] != e.clock.Now().Unix() {
			t.Errorf("record %d = %v", i, r)
		}
	}
	if got := e.audit([]any{"event", "=", "AUTHENTICATION"}, []any{"username", "=", "admin"}); len(got) != 1 {
		t.Errorf("%d login records for admin, want 1", len(got))
	}
}

// pruneOnce is an audit store whose PruneAudit ends the pruning loop.
type pruneOnce struct {
	keyward.AuditStore
	stop context.CancelFunc
}

func (p *pruneOnce) PruneAudit(ctx context.Context, before time.Time) (int64, error) {
	defer p.stop()
	return p.AuditStore.PruneAudit(ctx, before)
}

// TestPruneAudit checks that records older than the retention go.
func TestPruneAudit(t *testing.T) {
	t.Parallel()
	p := &pruneOnce{}
	e := mustOpen(t, func(c *service.Config) {
		c.AuditRetention = 24 * time.Hour
		p.AuditStore, c.Audit = c.Audit, p
	})
	prune := func() {
		e.audit() // the store writes records behind the caller's back: wait for them
		ctx, cancel := context.WithCancel(e.ctx)
		p.stop = cancel
		e.svc.PruneAudit(ctx) // returns after one round
	}
	e.login(e.admin)
	e.clock.Advance(24*time.Hour + time.Second)
	e.login(e.admin)
	prune()
	if recs := e.audit(); len(recs) != 1 || recs[0]["message_timestamp"] != e.clock.Now().Unix() {
		t.Fatalf("records after pruning: %v, want the second login's", recs)
	}
	e.clock.Advance(24*time.Hour + time.Second)
	prune()
	if recs := e.audit(); len(recs) != 0 {
		t.Fatalf("%d records after pruning everything", len(recs))
	}
}

// TestAlerts checks that alerts follow the keys (api-keys.md 16).
func TestAlerts(t *testing.T) {
	t.Parallel()
	alerts := func(e *env) []string {
		e.tb.Helper()
		list, err := e.svc.Alerts(e.ctx)
		if err != nil {
			e.tb.Fatal(err)
		}
		var out []string
		for _, a := range list {
			m := a.(map[string]any)
			out = append(out, m["klass"].(string)+": "+m["formatted"].(string))
		}
		return out
	}
	t.Run("OKRevoked", func(t *testing.T) {
		t.Parallel()
		e := mustOpen(t)
		k, raw := e.key("admin", "Test API Key")
		e.loginKey("admin", raw, insecure)
		want := "ApiKeyRevoked: Test API Key: API key has been revoked and must either be renewed or deleted. " +
			"Revoke reason: Attempt to use over an insecure transport. Once the maintenance is complete, " +
			"API client configuration must be updated to use the renewed API key."
		if got := alerts(e); len(got) != 1 || got[0] != want {
			t.Fatalf("alerts %q, want %q", got, want)
		}
		updateKey(e, k.ID, service.KeyUpdate{Reset: true})
		if got := alerts(e); len(got) != 0 {
			t.Fatalf("alerts after reset: %q", got)
		}
	})
	t.Run("OKInsecureUse", func(t *testing.T) {
		t.Parallel()
		e := mustOpen(t, func(c *service.Config) { c.InsecureKeyPolicy = "reject" })
		k, raw := e.key("admin", "ci")
		e.loginKey("admin", raw, insecure)
		e.loginKey("admin", raw, insecure)
		got := alerts(e)
		if len(got) != 1 || !strings.HasPrefix(got[0], "ApiKeyInsecureUse: ci: API key was presented over an insecure transport from 198.51.100.7 and was refused.") {
			t.Fatalf("alerts %q", got)
		}
		_, raw = updateKey(e, k.ID, service.KeyUpdate{Reset: true})
		if got := alerts(e); len(got) != 0 {
			t.Fatalf("alerts after reset: %q", got)
		}
		e.loginKey("admin", raw, insecure)
		if _, err := e.svc.DeleteKey(e.ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		if got := alerts(e); len(got) != 0 {
			t.Fatalf("alerts after delete: %q", got)
		}
	})
	t.Run("OKImportedRevoked", func(t *testing.T) {
		t.Parallel()
		e := mustOpen(t)
		_, _, err := e.svc.ImportKeys(e.ctx, []service.ImportRow{{ID: 3, Name: "old", Username: "admin", Keyhash: formalHash, Revoked: true}})
		if err != nil {
			t.Fatal(err)
		}
		if got := alerts(e); len(got) != 1 || !strings.Contains(got[0], "Revoke reason: Unknown reason.") {
			t.Fatalf("alerts %q", got)
		}
	})
}

// TestQueryKeys checks that api_key.query runs in the store.
func TestQueryKeys(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	e.key("admin", "one")
	e.key("admin", "two")
	f, err := query.ParseFilters("filters", []any{[]any{"name", "^", "t"}})
	if err != nil {
		t.Fatal(err)
	}
	n, err := e.svc.QueryKeys(e.as(e.login(e.admin)), f, &query.Options{Count: true})
	if err != nil || n != int64(1) {
		t.Fatalf("count = %v, %v; want 1", n, err)
	}
}

// TestFailDelay checks that the failed-login delay waits no longer than
// its context, and not at all when it is zero.
func TestFailDelay(t *testing.T) {
	t.Parallel()
	e := mustOpen(t, func(c *service.Config) { c.FailDelay = [2]time.Duration{time.Hour, 2 * time.Hour} })
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	e.svc.FailDelay(ctx) // returns: the context has ended
	mustOpen(t).svc.FailDelay(e.ctx)
}
