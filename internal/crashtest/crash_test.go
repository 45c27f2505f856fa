package crashtest_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the driver the server uses, to inspect its file
)

// The administrator made by first-run setup; workers log in as it.
const (
	adminUser     = "admin"
	adminPassword = "correct horse battery staple"
)

const workers = 8

// killCount is how many times the server is killed: KEYWARD_CRASH_KILLS,
// else 3 (1 with -short).
func killCount(t *testing.T) int {
	if s := os.Getenv("KEYWARD_CRASH_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("KEYWARD_CRASH_KILLS=%q: want a positive integer", s)
		}
		return n
	}
	if testing.Short() {
		return 1
	}
	return 3
}

// TestCrashSafety kills the server with SIGKILL while eight connections
// create, reset and delete keys, lock and unlock users and create users,
// and checks after each restart that every acknowledged change is there,
// that an unanswered change either happened whole or not at all, and that
// the database file is intact.
func TestCrashSafety(t *testing.T) {
	kills := killCount(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	bin := buildServer(t)
	dir := filepath.Join(t.TempDir(), "data")
	logPath := filepath.Join(t.TempDir(), "server.log")
	srv := startServer(t, bin, dir, logPath)
	ws := setUp(t, srv, seed)

	var total acks
	var checked tally
	var unknown int
	start := time.Now()
	for round := 1; round <= kills; round++ {
		delay := time.Duration(100+rng.IntN(601)) * time.Millisecond
		got, lost := runAndKill(t, srv, ws, delay)
		checkFile(t, filepath.Join(dir, "keyward.db"))
		srv = startServer(t, bin, dir, logPath)
		tl := verifyAll(t, srv, ws)
		t.Logf("kill %d/%d after %v: %d acknowledged (create %d, reset %d, delete %d, lock %d, unlock %d, user %d), %d unanswered; "+
			"verified: %d keys log in, %d keys of locked users refused, %d replaced secrets refused, %d deleted keys refused, "+
			"%d users (%d locked); unanswered: %d committed, %d not",
			round, kills, delay, got.total(), got.created, got.reset, got.deleted, got.locked, got.unlocked, got.users, lost,
			tl.keysOK, tl.keysLocked, tl.staleRefused, tl.deletedRefused, tl.usersChecked, tl.lockedUsers,
			tl.unknownCommitted, tl.unknownNot)
		for _, line := range errorLines(logPath) {
			t.Errorf("server logged an error: %s", line)
		}
		total.add(got)
		checked.add(tl)
		unknown += lost
		if t.Failed() {
			t.Logf("server log:\n%s", tail(logPath))
			return
		}
	}
	t.Logf("total: %d kills in %v, %d acknowledged changes, %d unanswered (%d committed, %d not); "+
		"%d key logins succeeded, %d refused as expected",
		kills, time.Since(start).Round(time.Millisecond), total.total(), unknown,
		checked.unknownCommitted, checked.unknownNot, checked.keysOK,
		checked.keysLocked+checked.staleRefused+checked.deletedRefused)
}

// setUp creates the administrator and the workers, each with two users.
func setUp(t *testing.T, srv *server, seed uint64) []*worker {
	t.Helper()
	c := mustDial(t, srv.wsURL())
	defer c.close()
	c.must(t, "user.setup_local_administrator", adminUser, adminPassword)
	if r, err := c.login(map[string]any{"mechanism": "PASSWORD_PLAIN", "username": adminUser, "password": adminPassword}); r != "SUCCESS" {
		t.Fatalf("admin login: %q %v", r, err)
	}
	ws := make([]*worker, workers)
	for i := range ws {
		w := newWorker(i, seed)
		for j := range 2 {
			name := fmt.Sprintf("w%d-u0%d", i, j)
			e := c.must(t, "user.create", newUser(name)).(map[string]any)
			w.users = append(w.users, &userState{id: num(e["id"]), name: name})
		}
		ws[i] = w
	}
	return ws
}

// runAndKill lets the workers run for delay, kills the server and returns
// the round's acknowledged changes and the number of unanswered calls.
func runAndKill(t *testing.T, srv *server, ws []*worker, delay time.Duration) (acks, int) {
	t.Helper()
	var killed atomic.Bool
	var wg sync.WaitGroup
	for _, w := range ws {
		w.acks = acks{}
		wg.Go(func() { w.run(srv.wsURL(), &killed) })
	}
	time.Sleep(delay)
	killed.Store(true)
	srv.kill()
	wg.Wait()
	var got acks
	lost := 0
	for _, w := range ws {
		if w.err != nil {
			t.Errorf("%v", w.err)
		}
		got.add(w.acks)
		if w.unknown != nil {
			lost++
		}
	}
	return got, lost
}

// checkFile opens the killed server's database read-only, before anything
// recovers it, and checks that SQLite finds it intact with no dangling
// reference.
func checkFile(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var result string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&result); err != nil || result != "ok" {
		t.Fatalf("integrity_check: %q %v", result, err)
	}
	rows, err := db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatalf("foreign_key_check: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fkid sql.NullInt64
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			t.Fatal(err)
		}
		t.Errorf("foreign_key_check: %s row %v references a missing %s row", table, rowid.Int64, parent)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// verifyAll checks every worker's record against the restarted server.
func verifyAll(t *testing.T, srv *server, ws []*worker) tally {
	t.Helper()
	v := &verifier{t: t, admin: mustDial(t, srv.wsURL()), login: mustDial(t, srv.wsURL())}
	defer v.admin.close()
	defer v.login.close()
	if r, err := v.admin.login(map[string]any{"mechanism": "PASSWORD_PLAIN", "username": adminUser, "password": adminPassword}); r != "SUCCESS" {
		t.Fatalf("admin login after restart: %q %v", r, err)
	}
	v.load()
	for _, w := range ws {
		v.resolve(w)
	}
	for _, w := range ws {
		v.check(w)
	}
	v.checkNoStrangers(ws)
	return v.tally
}
