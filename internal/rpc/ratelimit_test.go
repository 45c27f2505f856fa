package rpc_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

func from(addr string) keyward.Origin {
	return keyward.Origin{Addr: netip.AddrPortFrom(netip.MustParseAddr(addr), 40000)}
}

func TestRateLimiter(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	l := rpc.NewRateLimiter(rpc.RateLimitConfig{Calls: 2, Window: time.Minute,
		Exempt: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Now: func() time.Time { return now }})
	allow := func(budget, addr string) bool {
		err := l.Allow(context.Background(), budget, from(addr))
		if err != nil && !errors.Is(err, keyward.ErrRateLimited) {
			t.Fatalf("Allow: %v", err)
		}
		return err == nil
	}
	cases := []struct {
		name, budget, addr string
		want               bool
	}{
		{"OKFirst", rpc.LoginBudget, "192.0.2.1", true},
		{"OKSecond", rpc.LoginBudget, "192.0.2.1", true},
		{"ErrThird", rpc.LoginBudget, "192.0.2.1", false},
		{"OKOtherBudget", "core.ping", "192.0.2.1", true},
		{"OKOtherAddress", rpc.LoginBudget, "192.0.2.2", true},
		{"OKMappedIsSame", "core.ping", "::ffff:192.0.2.1", true},
		{"ErrMappedCountsTogether", "core.ping", "::ffff:192.0.2.1", false},
		{"OKv6", rpc.LoginBudget, "2001:db8::1", true},
		{"OKv6SameSlash64", rpc.LoginBudget, "2001:db8::ffff:1", true},
		{"ErrV6SameSlash64", rpc.LoginBudget, "2001:db8::2", false},
		{"OKv6OtherSlash64", rpc.LoginBudget, "2001:db8:0:1::1", true},
		{"OKExempt", rpc.LoginBudget, "127.0.0.9", true},
		{"OKExemptAgain", rpc.LoginBudget, "127.0.0.9", true},
		{"OKExemptThird", rpc.LoginBudget, "127.0.0.9", true},
	}
	for _, c := range cases {
		if got := allow(c.budget, c.addr); got != c.want {
			t.Errorf("%s: Allow(%s, %s) = %v, want %v", c.name, c.budget, c.addr, got, c.want)
		}
	}
	now = now.Add(time.Minute)
	if !allow(rpc.LoginBudget, "192.0.2.1") {
		t.Error("a new window did not restart the count")
	}
}

// TestRateLimiterBounds: a zero budget disables the limiter, the unix
// socket is never limited, the counter table drops its least recently used
// entry when full, and a refused call's delay ends with its context.
func TestRateLimiterBounds(t *testing.T) {
	t.Parallel()
	if l := rpc.NewRateLimiter(rpc.RateLimitConfig{}); l != nil {
		t.Fatal("Calls 0 must disable the limit")
	}
	l := rpc.NewRateLimiter(rpc.RateLimitConfig{Calls: 1, Window: time.Hour, MaxEntries: 2})
	allow := func(origin keyward.Origin) bool { return l.Allow(context.Background(), "b", origin) == nil }
	unix := keyward.Origin{Unix: true}
	for i := range 3 {
		if !allow(unix) {
			t.Fatalf("unix socket call %d limited", i)
		}
	}
	a, b, c := from("192.0.2.1"), from("192.0.2.2"), from("192.0.2.3")
	for i, step := range []struct {
		origin keyward.Origin
		want   bool
	}{
		{a, true}, {b, true},
		{a, false}, // a is now the most recently used
		{c, true},  // the table is full: b, least recently used, goes
		{b, true},  // counted afresh; a goes
		{a, true},  // counted afresh; c goes
		{b, false}, // b stayed
	} {
		if got := allow(step.origin); got != step.want {
			t.Fatalf("step %d: Allow(%s) = %v, want %v", i, step.origin, got, step.want)
		}
	}

	slow := rpc.NewRateLimiter(rpc.RateLimitConfig{Calls: 1, Window: time.Hour, DelayMin: time.Hour, DelayMax: 2 * time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	_ = slow.Allow(ctx, "b", a)
	done := make(chan error)
	go func() { done <- slow.Allow(ctx, "b", a) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, keyward.ErrRateLimited) {
			t.Fatalf("Allow = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the delay did not end with its context")
	}
}
