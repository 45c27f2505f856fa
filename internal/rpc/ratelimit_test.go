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
