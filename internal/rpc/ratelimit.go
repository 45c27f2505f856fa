package rpc

import (
	"container/list"
	"context"
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"

	"github.com/keyward/keyward"
)

// RateLimitConfig configures the unauthenticated rate limit
// (protocol.md 13.3).
type RateLimitConfig struct {
	Calls    int           // calls per budget and address per window; 0 disables
	Window   time.Duration // fixed window length
	DelayMin time.Duration // the refused call waits a random time in
	DelayMax time.Duration // [DelayMin, DelayMax] before its answer
	Exempt   []netip.Prefix
	// MaxEntries bounds the counter table; least recently used entries go
	// first. Zero means 100,000.
	MaxEntries int
	Now        func() time.Time
}

// LoginBudget is the rate limiter's key for every login method: they
// share one budget per client address.
const LoginBudget = "login"

// RateLimiter counts no-auth calls per (budget, client address): the
// budget is the method's name, or LoginBudget for every login method. An
// IPv6 client counts by its /64.
type RateLimiter struct {
	cfg     RateLimitConfig
	mu      sync.Mutex
	entries map[rateKey]*list.Element
	lru     *list.List // of *rateEntry, most recently used first
}

type rateKey struct {
	budget string
	addr   netip.Addr
}

type rateEntry struct {
	key   rateKey
	start time.Time
	count int
}

// NewRateLimiter returns a limiter, or nil when cfg disables the limit.
func NewRateLimiter(cfg RateLimitConfig) *RateLimiter {
	if cfg.Calls <= 0 {
		return nil
	}
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = 100_000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &RateLimiter{cfg: cfg, entries: map[rateKey]*list.Element{}, lru: list.New()}
}

// Allow counts a call against budget and returns nil, or waits the
// configured delay and returns keyward.ErrRateLimited. The unix socket is
// never limited.
func (l *RateLimiter) Allow(ctx context.Context, budget string, origin keyward.Origin) error {
	if origin.Unix || l.exempt(origin.Addr.Addr()) || l.count(budget, origin.Addr.Addr()) {
		return nil
	}
	delay := l.cfg.DelayMin
	if span := l.cfg.DelayMax - l.cfg.DelayMin; span > 0 {
		delay += rand.N(span + 1)
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	return keyward.ErrRateLimited
}

func (l *RateLimiter) exempt(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range l.cfg.Exempt {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// count records a call and reports whether it is within the limit.
func (l *RateLimiter) count(budget string, addr netip.Addr) bool {
	now := l.cfg.Now()
	key := rateKey{budget, addressKey(addr)}
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.entries[key]
	if !ok {
		el = l.lru.PushFront(&rateEntry{key: key, start: now})
		l.entries[key] = el
		l.evict()
	} else {
		l.lru.MoveToFront(el)
	}
	e := el.Value.(*rateEntry)
	if now.Sub(e.start) >= l.cfg.Window {
		e.start, e.count = now, 0
	}
	e.count++
	return e.count <= l.cfg.Calls
}

func (l *RateLimiter) evict() {
	for l.lru.Len() > l.cfg.MaxEntries {
		old := l.lru.Back()
		l.lru.Remove(old)
		delete(l.entries, old.Value.(*rateEntry).key)
	}
}
