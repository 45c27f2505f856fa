package rpc_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// TestAuditRecords (protocol.md 7 step 8): a call of an audited method
// writes one METHOD_CALL record whatever its outcome, with the params as
// sent (secrets redacted), how far it got, and an info log line without
// its params; other methods write none.
func TestAuditRecords(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	f.auth.setRoles("alice", keyward.APIKeyWrite)
	anon, bob, alice := f.dial(t), f.dial(t), f.dial(t)
	bob.login("bob")
	alice.login("alice")
	cases := []struct {
		name    string
		c       *conn
		params  []any
		record  string // the record's Params, Description and flags
		user    string
		outcome string
		target  string
	}{
		{"ErrNotLoggedIn", anon, []any{"k1", "s3cret"}, `[k1 ********] "Create key k1" auth=false authz=false ok=false`, "", "ENOTAUTHENTICATED", ""},
		{"ErrNoRole", bob, []any{"k1"}, `[k1] "Create key k1" auth=true authz=false ok=false`, "bob", "EACCES", ""},
		{"OK", alice, []any{"k1", "s3cret"}, `[k1 ********] "Create key k1" auth=true authz=true ok=true`, "alice", "ok", "k1"},
		// A value of the wrong shape may be a secret sent in the wrong place.
		{"ErrInvalidParams", alice, []any{5}, `[********] "Create key ********" auth=true authz=true ok=false`, "alice", "-32602", ""},
		{"ErrBusiness", alice, []any{"taken"}, `[taken] "Create key taken" auth=true authz=true ok=false`, "alice", "-32602", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.t = t
			records, lines := len(f.audit.all()), len(f.logs.find("admin action"))
			r := tc.c.call("test.audited", tc.params...)
			if (r.Error == nil) != (tc.outcome == "ok") {
				t.Fatalf("answer %s", r.Raw)
			}
			all := f.audit.all()
			if len(all) != records+1 {
				t.Fatalf("%d records written, want 1", len(all)-records)
			}
			a := all[records]
			got := fmt.Sprintf("%v %q auth=%v authz=%v ok=%v", a.Params, a.Description, a.Authenticated, a.Authorized, a.Success)
			if a.Method != "test.audited" || got != tc.record || a.Caller.Username != tc.user {
				t.Fatalf("record %s %s by %q, want %s by %q", a.Method, got, a.Caller.Username, tc.record, tc.user)
			}
			logged := f.logs.find("admin action")
			if len(logged) != lines+1 {
				t.Fatalf("%d log lines, want 1", len(logged)-lines)
			}
			l := logged[lines].attrs
			if l["method"] != "test.audited" || l["outcome"] != tc.outcome || l["user"] != tc.user ||
				l["target"] != tc.target || l["description"] != a.Description || l["conn"] != a.Caller.ConnID {
				t.Fatalf("log line %v", l)
			}
			if _, leaked := l["params"]; leaked {
				t.Fatalf("the log line carries the params: %v", l)
			}
		})
	}
	t.Run("OKNotAudited", func(t *testing.T) {
		alice.t = t
		before := len(f.audit.all())
		alice.call("test.keys")
		anon.call("test.ping")
		if n := len(f.audit.all()) - before; n != 0 {
			t.Fatalf("%d records for methods not audited", n)
		}
	})
}

// TestAuditRateLimited: calls needing a login made without one are audited
// until their rate limit refuses them; refused ones write nothing, so a
// client that never logs in cannot fill the audit trail.
func TestAuditRateLimited(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{RateLimit: rpc.NewRateLimiter(rpc.RateLimitConfig{Calls: 2, Window: time.Hour})})
	c := f.dial(t)
	for i := range 4 {
		r := c.call("test.audited", "k")
		if i < 2 {
			wantCallError(t, r, keyward.ENOTAUTHENTICATED, "[ENOTAUTHENTICATED] Not authenticated")
		} else {
			wantCallError(t, r, keyward.EBUSY, "[EBUSY] Rate Limit Exceeded")
		}
	}
	if n := len(f.audit.all()); n != 2 {
		t.Fatalf("%d records, want 2", n)
	}
}

// TestAuditTargetIsID: an audited call acting on an entry by id names it
// as its target whatever its outcome.
func TestAuditTargetIsID(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	f.auth.setRoles("alice", keyward.APIKeyWrite)
	c := f.dial(t)
	c.login("alice")
	if r := c.call("test.revoke", 7); r.Error == nil {
		t.Fatalf("got %s", r.Raw)
	}
	lines := f.logs.find("admin action")
	if len(lines) != 1 || lines[0].attrs["target"] != "7" || lines[0].attrs["outcome"] != "-32602" ||
		lines[0].attrs["description"] != "Revoke key 7" {
		t.Fatalf("log lines %v", lines)
	}
}
