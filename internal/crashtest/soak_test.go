package crashtest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/client"
)

// soakConfig is the load of one soak run: KEYWARD_SOAK (a duration,
// default 20s) and KEYWARD_SOAK_CLIENTS (default 200).
func soakConfig(t *testing.T) (time.Duration, int) {
	d, clients := 20*time.Second, 200
	if v := os.Getenv("KEYWARD_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil || d < 10*time.Second {
			t.Fatalf("KEYWARD_SOAK=%q: want a duration of at least 10s", v)
		}
	}
	if v := os.Getenv("KEYWARD_SOAK_CLIENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("KEYWARD_SOAK_CLIENTS=%q: want a positive integer", v)
		}
		clients = n
	}
	return d, clients
}

// soakStats counts what the clients did.
type soakStats struct {
	rounds, calls, logins atomic.Int64
	mu                    sync.Mutex
	unexpected            []string
}

func (s *soakStats) fail(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.unexpected) < 20 {
		s.unexpected = append(s.unexpected, fmt.Sprintf(format, args...))
	}
	if len(s.unexpected) == 20 {
		s.unexpected = append(s.unexpected, "(more not shown)")
	}
}

// TestSoak runs the real server under many clients that each, in a loop,
// log in, run the keys screen's two queries, create a key, log in with it,
// reset it (the old secret must fail, the new must work), delete it (the
// secret must fail) and log out. Every answer must be the expected one,
// and the server's resident memory after warm-up must stay flat. The
// default is a 20-second run with 200 clients; the documented full run is
//
//	KEYWARD_SOAK=5m go test -run TestSoak -v -timeout 20m ./internal/crashtest/
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the soak runs 200 clients for 20 s or more; go test without -short runs it, and CI does")
	}
	duration, clients := soakConfig(t)
	dir := t.TempDir()
	srv := startServer(t, buildServer(t), filepath.Join(dir, "data"), filepath.Join(dir, "server.log"))
	url := srv.wsURL()
	users := soakSetup(t, url)

	stats := &soakStats{}
	start := time.Now()
	end := start.Add(duration)
	ctx, cancel := context.WithCancel(context.Background())
	samples := sampleRSS(ctx, srv.Cmd.Process.Pid)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() { soakClient(end, url, users[i%len(users)], i, stats) })
	}
	wg.Wait()
	cancel()
	rss := <-samples
	duration = time.Since(start)

	rounds, calls := stats.rounds.Load(), stats.calls.Load()
	t.Logf("soak: %d clients for %v: %d rounds, %d calls (%.0f/s), %d logins, %d unexpected answers",
		clients, duration.Round(100*time.Millisecond), rounds, calls, float64(calls)/duration.Seconds(), stats.logins.Load(), len(stats.unexpected))
	for _, u := range stats.unexpected {
		t.Errorf("unexpected: %s", u)
	}
	if rounds < int64(clients) {
		t.Errorf("only %d rounds for %d clients", rounds, clients)
	}
	checkFlat(t, rss)
	for _, line := range errorLines(filepath.Join(dir, "server.log")) {
		t.Errorf("server logged an error: %s", line)
	}
}

// soakUser is an account the clients use: they log in with its password
// and create keys for it.
type soakUser struct{ name, password string }

// soakSetup makes the administrator and ten users with the roles to manage
// their own keys.
func soakSetup(t *testing.T, url string) []soakUser {
	admin := mustDial(t, url)
	admin.must(t, "user.setup_local_administrator", "admin", "soak admin password")
	if s, err := admin.login(map[string]any{"mechanism": "PASSWORD_PLAIN", "username": "admin", "password": "soak admin password"}); s != "SUCCESS" {
		t.Fatalf("admin login: %s %v", s, err)
	}
	var users []soakUser
	for i := range 10 {
		u := soakUser{fmt.Sprintf("soak%d", i), fmt.Sprintf("soak password %d", i)}
		r := admin.must(t, "user.create", map[string]any{"username": u.name, "full_name": u.name, "password": u.password, "group_create": true})
		gid := r.(map[string]any)["group"].(map[string]any)["bsdgrp_gid"]
		admin.must(t, "privilege.create", map[string]any{"name": u.name, "local_groups": []any{gid},
			"roles": []any{"READONLY_ADMIN", "API_KEY_WRITE"}, "web_shell": false})
		users = append(users, u)
	}
	return users
}

// soakClient starts rounds until end; a round started is finished and
// checked. A round that takes longer than roundTimeout counts as a failure.
func soakClient(end time.Time, url string, u soakUser, n int, stats *soakStats) {
	for round := 0; time.Now().Before(end); round++ {
		ctx, cancel := context.WithTimeout(context.Background(), roundTimeout)
		err := soakRound(ctx, url, u, fmt.Sprintf("soak-%d-%d", n, round), stats)
		cancel()
		if err != nil {
			stats.fail("client %d round %d: %v", n, round, err)
			continue
		}
		stats.rounds.Add(1)
	}
}

// roundTimeout detects a hung round; a healthy one takes well under a
// second even on a loaded 2-core machine.
const roundTimeout = 30 * time.Second

// soakRound is one user's session: the keys screen, then one key's whole
// life.
func soakRound(ctx context.Context, url string, u soakUser, name string, stats *soakStats) error {
	c, err := client.Dial(ctx, url, nil)
	if err != nil {
		return err
	}
	defer c.CloseNow()
	call := func(out any, method string, params ...any) error {
		stats.calls.Add(1)
		if err := c.CallInto(ctx, out, method, params...); err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		return nil
	}
	stats.logins.Add(1)
	if err := c.LoginPassword(ctx, u.name, u.password); err != nil {
		return fmt.Errorf("password login: %w", err)
	}
	var count int
	filter := []any{[]any{"name", "~", "^soak-"}}
	if err := call(&count, "api_key.query", filter, map[string]any{"count": true}); err != nil {
		return err
	}
	var page []map[string]any
	if err := call(&page, "api_key.query", filter, map[string]any{"order_by": []any{"-created_at"}, "limit": 50}); err != nil {
		return err
	}
	var key struct {
		ID  int64  `json:"id"`
		Key string `json:"key"`
	}
	if err := call(&key, "api_key.create", map[string]any{"name": name, "username": u.name}); err != nil {
		return err
	}
	if err := keyLoginIs(ctx, url, u.name, key.Key, nil, stats); err != nil {
		return fmt.Errorf("new key: %w", err)
	}
	old := key.Key
	if err := call(&key, "api_key.update", key.ID, map[string]any{"reset": true}); err != nil {
		return err
	}
	if err := keyLoginIs(ctx, url, u.name, old, client.ErrLogin, stats); err != nil {
		return fmt.Errorf("secret before reset: %w", err)
	}
	if err := keyLoginIs(ctx, url, u.name, key.Key, nil, stats); err != nil {
		return fmt.Errorf("reset key: %w", err)
	}
	var deleted bool
	if err := call(&deleted, "api_key.delete", key.ID); err != nil {
		return err
	}
	if err := keyLoginIs(ctx, url, u.name, key.Key, client.ErrLogin, stats); err != nil {
		return fmt.Errorf("deleted key: %w", err)
	}
	return call(new(any), "auth.logout")
}

// keyLoginIs logs in with a key on a new connection and checks the
// outcome: success when want is nil, else an error matching want.
func keyLoginIs(ctx context.Context, url, user, key string, want error, stats *soakStats) error {
	c, err := client.Dial(ctx, url, nil)
	if err != nil {
		return err
	}
	defer c.CloseNow()
	stats.logins.Add(1)
	err = c.LoginKey(ctx, user, key)
	switch {
	case want == nil && err != nil:
		return err
	case want != nil && !errors.Is(err, want):
		return fmt.Errorf("login gave %v, want %v", err, want)
	}
	return nil
}

// sampleRSS reads the process's resident set size every second until ctx
// ends, then sends the samples (in KiB).
func sampleRSS(ctx context.Context, pid int) <-chan []int64 {
	out := make(chan []int64, 1)
	go func() {
		var samples []int64
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				out <- samples
				return
			case <-tick.C:
				if kib, err := rssKiB(pid); err == nil {
					samples = append(samples, kib)
				}
			}
		}
	}()
	return out
}

func rssKiB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

// checkFlat compares the peak resident memory of the last quarter of the
// run with the peak of the second quarter (after warm-up): a leak grows
// with the work done, so it shows as the later peak rising past the
// earlier one. The allowance, a quarter plus 16 MiB, absorbs the garbage
// collector's sawtooth.
func checkFlat(t *testing.T, kib []int64) {
	t.Helper()
	if len(kib) < 8 {
		t.Logf("only %d memory samples; not judged", len(kib))
		return
	}
	q := len(kib) / 4
	warm, last := slices.Max(kib[q:2*q]), slices.Max(kib[len(kib)-q:])
	t.Logf("server RSS: start %.1f MiB, after warm-up peak %.1f MiB, final quarter peak %.1f MiB, overall peak %.1f MiB",
		mib(kib[0]), mib(warm), mib(last), mib(slices.Max(kib)))
	if last > warm+warm/4+16<<10 {
		t.Errorf("server memory grew from %.1f MiB after warm-up to %.1f MiB at the end", mib(warm), mib(last))
	}
}

func mib(kib int64) float64 { return float64(kib) / 1024 }
