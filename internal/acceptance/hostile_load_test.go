package acceptance_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
)

// heavyQueries are the costliest calls the limits accept: filters at the
// size of a full message, regular expressions at the program budget over
// names of 200 characters, and the most order_by fields.
func heavyQueries() []string {
	long := `"(?:.*){1000}z"` // 3001 of the 4096 instructions
	return []string{
		keyQuery(`[`+list(`["name","!^","z%d"]`, 2500)+`]`, `{"count":true}`),
		keyQuery(`[["id","in",[`+list(`%d`, 10000)+`]]]`, `{}`),
		keyQuery(`[["OR",[["name","~",`+long+`],["name","~","(?:.?){500}.*z"]]]]`, `{}`),
		keyQuery(`[]`, `{"order_by":[`+list(`"name.f%d"`, 100)+`]}`),
		call("audit.query", `{"query-filters":[`+list(`["event_data.params.*","!=","v%d"]`, 1500)+`],"query-options":{"order_by":[`+
			list(`"-event_data.f%d"`, 100)+`],"limit":10000}}`),
	}
}

// TestHostileLoad keeps the in-flight limit of several connections full of
// the heaviest accepted queries while a healthy connection pings: each
// ping must answer within the bound, and every heavy call must succeed.
func TestHostileLoad(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	for i := range 20 {
		apptest.MustCreateKey(t, admin, fmt.Sprintf("%03d-%s", i, strings.Repeat("a", 196)), apptest.AdminUser)
	}
	bound := hostileBound()
	queries := heavyQueries()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	var answered atomic.Int64
	for range 4 {
		c := apptest.MustDial(t, srv.WSURL("current"))
		c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		wg.Go(func() { errs <- flood(ctx, c.Conn(), queries, &answered) })
	}
	healthy := apptest.MustDial(t, srv.WSURL("current"))
	time.Sleep(200 * time.Millisecond) // let the floods fill up
	// Ping at least 20 times, and until every kind of heavy call had time
	// to answer (they are slow under the race detector).
	var slowest time.Duration
	begin := time.Now()
	for i := 0; i < 20 || (answered.Load() < int64(2*len(queries)) && time.Since(begin) < time.Minute); i++ {
		start := time.Now()
		if r := healthy.Call("core.ping"); r["result"] != "pong" {
			t.Fatalf("ping: %s", apptest.String(r))
		}
		slowest = max(slowest, time.Since(start))
		time.Sleep(50 * time.Millisecond)
	}
	if slowest > bound {
		t.Errorf("a ping took %v under load", slowest)
	}
	cancel()
	wg.Wait()
	t.Logf("%d heavy calls answered in %v; slowest ping %v", answered.Load(), time.Since(begin), slowest)
	if answered.Load() < int64(2*len(queries)) {
		t.Errorf("only %d heavy calls answered", answered.Load())
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// flood keeps 20 heavy calls in flight on ws until ctx ends: a new call
// for each answer, which must be a result, counted in answered.
func flood(ctx context.Context, ws *websocket.Conn, queries []string, answered *atomic.Int64) error {
	send := func(i int) error {
		q := strings.Replace(queries[i%len(queries)], `"id":1,`, fmt.Sprintf(`"id":%d,`, i), 1)
		return ws.Write(ctx, websocket.MessageText, []byte(q))
	}
	next := 0
	for ; next < 20; next++ {
		if err := send(next); err != nil {
			return nil // ctx ended
		}
	}
	for ; ; next++ {
		_, data, err := ws.Read(ctx)
		if err != nil {
			return nil
		}
		if strings.Contains(string(data), `"error"`) {
			return fmt.Errorf("heavy call failed: %.300s", data)
		}
		answered.Add(1)
		if err := send(next); err != nil {
			return nil
		}
	}
}
