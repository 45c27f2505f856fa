package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
)

// auditRecord returns an audit record in canonical form.
func auditRecord(i int, user string, at time.Time) map[string]any {
	var session any
	if i%2 == 0 {
		session = fmt.Sprintf("session-%d", i)
	}
	return map[string]any{
		"audit_id": fmt.Sprintf("00000000-0000-4000-8000-%012d", i), "message_timestamp": at.Unix(),
		"timestamp": at, "address": "192.0.2.1", "username": user, "session": session, "service": "MIDDLEWARE",
		"service_data": map[string]any{"vers": map[string]any{"major": int64(0)}, "protocol": "WEBSOCKET"},
		"event":        "AUTHENTICATION", "event_data": map[string]any{"n": int64(i)}, "success": i%3 != 0,
	}
}

func testAudit(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	base := time.Unix(1_800_000_000, 0).UTC()
	for i, user := range []string{"alice", "bob", "bob"} {
		must(t, s.AddAudit(ctx, auditRecord(i, user, base.Add(time.Duration(i)*time.Hour))))
	}
	all, err := s.QueryAudit(ctx, nil, nil)
	must(t, err)
	list, _ := all.([]any)
	if len(list) != 3 {
		t.Fatalf("QueryAudit = %#v, want the 3 records", all)
	}
	first, _ := list[0].(map[string]any)
	want := auditRecord(0, "alice", base)
	for _, f := range []string{"audit_id", "message_timestamp", "address", "username", "session", "event", "success"} {
		if first[f] != want[f] {
			t.Errorf("record field %s = %#v, want %#v", f, first[f], want[f])
		}
	}
	if ts, _ := first["timestamp"].(time.Time); !ts.Equal(base) {
		t.Errorf("record timestamp = %#v, want %v", first["timestamp"], base)
	}
	if d, _ := first["event_data"].(map[string]any); d["n"] != int64(0) {
		t.Errorf("record event_data = %#v", first["event_data"])
	}
	countBob(t, s, 2)
	n, err := s.PruneAudit(ctx, base.Add(90*time.Minute))
	if err != nil || n != 2 {
		t.Errorf("PruneAudit = %d, %v; want 2", n, err)
	}
	countBob(t, s, 1)
}

// countBob checks the count of bob's records.
func countBob(t *testing.T, s keyward.Store, want int64) {
	t.Helper()
	f, err := query.ParseFilters("filters", []any{[]any{"username", "=", "bob"}})
	must(t, err)
	o, err := query.ParseOptions("options", map[string]any{"count": true})
	must(t, err)
	got, err := s.QueryAudit(ctxFor(t), f, o)
	if err != nil || got != want {
		t.Errorf("count of bob's records = %#v, %v; want %d", got, err, want)
	}
}
