package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyward/keyward"
)

// changeBatch is how many changes one read of the log takes.
const changeBatch = 500

// ErrUnconfirmed is the answer to logins and to the calls of every session
// while this node cannot confirm that it has seen every committed change
// (cluster.md 4): it fails closed rather than honour a revoked credential.
var ErrUnconfirmed = keyward.ErrUnconfirmed

// feed applies the store's change log to this node: the caches, the
// sessions the changes end, and the events, exactly once each and in
// order (cluster.md 4). The node that made a change applies it the same
// way, before it answers: one path.
type feed struct {
	mu      sync.Mutex   // one application at a time, in order
	applied atomic.Int64 // the last sequence applied
	// confirmed is when (unix nanos) the last read that reached the end of
	// the log started, while listening; zero: never.
	confirmed atomic.Int64
	// listening is when (unix nanos) the listener last became ready; zero
	// while it is down.
	listening atomic.Int64
	// told is the applied sequence the last heartbeat reported.
	told    atomic.Int64
	wake    chan struct{} // a buffered nudge to read the log now
	beat    chan struct{} // a buffered nudge to write the heartbeat now
	started int64         // when (unix nanos) the feed started
}

// startFeed positions the feed at the end of the log; what happened before
// is already in the accounts and keys the service loaded after this.
func (s *Service) startFeed(ctx context.Context) error {
	last, err := s.cfg.Log.LastChange(ctx)
	if err != nil {
		return err
	}
	s.feed.applied.Store(last)
	s.feed.wake, s.feed.beat = make(chan struct{}, 1), make(chan struct{}, 1)
	s.feed.started = time.Now().UnixNano()
	return nil
}

// catchUp reads and applies every change after the last applied one. A
// read that reached the end while the listener was up since before it
// started confirms the node. ctx is the caller's: a writer catching up
// on its own change defers the session ends of accounts changes until its
// response is queued.
func (s *Service) catchUp(ctx context.Context) error {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	start := time.Now().UnixNano() // real time: the lag is real time, whatever the service clock
	listening := s.feed.listening.Load()
	for {
		// A read that hangs (a database that stopped answering without
		// closing the connection) must not hold the feed: it gives up after
		// revocation_max_lag, unconfirmed.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.readTimeout())
		cs, err := s.cfg.Log.ChangesAfter(rctx, s.feed.applied.Load(), changeBatch)
		cancel()
		if errors.Is(err, keyward.ErrLogTruncated) {
			if err = s.reloadAll(ctx); err == nil {
				continue
			}
		}
		if err != nil {
			return err
		}
		if err := s.applyChanges(ctx, cs); err != nil {
			return err
		}
		if len(cs) < changeBatch {
			break
		}
	}
	if listening != 0 && listening <= start {
		s.feed.confirmed.Store(start)
	}
	return nil
}

// applyChanges applies a batch in order; consecutive accounts changes
// reload the accounts once. It stops at a change it cannot apply (the
// accounts cannot be read), which the next read of the log retries.
func (s *Service) applyChanges(ctx context.Context, cs []keyward.Change) error {
	n := 0
	defer func() {
		if n > 0 {
			s.cfg.Observer.ChangesApplied(n)
		}
	}()
	for i, c := range cs {
		switch c.Kind {
		case keyward.ChangeKey:
			s.applyKeyChange(c)
		case keyward.ChangeAccounts:
			if i+1 < len(cs) && cs[i+1].Kind == keyward.ChangeAccounts {
				break // the next one reloads
			}
			if err := s.applyAccountsChange(ctx); err != nil {
				return err
			}
		case keyward.ChangeSession:
			s.applySessionEnd(c.Session)
		}
		s.feed.applied.Store(c.Seq)
		n++
	}
	return nil
}

// applyKeyChange updates the key cache, tells subscribers and ends the
// sessions the change ends.
func (s *Service) applyKeyChange(c keyward.Change) {
	if c.Msg == keyward.EventRemoved || c.Key == nil {
		s.keyRemoved(c.ID)
		return
	}
	s.keyChanged(c.Key, c.Msg)
}

// applyAccountsChange reloads the accounts and ends what they no longer
// allow, after the response of the call that made the change.
func (s *Service) applyAccountsChange(ctx context.Context) error {
	old := s.snap.Load()
	snap, err := s.reload(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	s.usersRenamed(ctx, old, snap)
	afterReply(ctx, func() { s.reconcile(snap) })
	return nil
}

// usersRenamed sends a changed event for each key of each user whose name
// changed between two snapshots: their username field shows the new name.
// Every node does this as it applies the change, like any key event.
func (s *Service) usersRenamed(ctx context.Context, old, cur *snapshot) {
	var renamed []int64
	for _, u := range cur.acc.Users {
		if o := old.acc.User(u.ID); o != nil && o.Stamp == u.Stamp && o.Username != u.Username {
			renamed = append(renamed, u.ID)
		}
	}
	if len(renamed) == 0 {
		return
	}
	ids, err := s.cfg.Keys.KeyIDsByUser(context.WithoutCancel(ctx))
	if err != nil {
		s.log.Warn("keys of renamed users", "error", err)
		return
	}
	for _, uid := range renamed {
		for _, id := range ids[uid] {
			if k, err := s.key(context.WithoutCancel(ctx), id); err == nil && k != nil {
				s.publishKey(k, keyward.EventChanged)
			}
		}
	}
}

// reloadAll starts over from the current state when the log no longer
// reaches back to the last change applied: every cache is refilled and
// every session re-checked.
func (s *Service) reloadAll(ctx context.Context) error {
	last, err := s.cfg.Log.LastChange(ctx)
	if err != nil {
		return err
	}
	snap, err := s.reload(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	s.log.Warn("change log reloaded from the start: this node was behind more than the log keeps")
	s.reconcileKeys()
	s.reconcile(snap)
	s.feed.applied.Store(last)
	return nil
}

// readTimeout bounds one read of the change log.
func (s *Service) readTimeout() time.Duration {
	if s.cfg.RevocationMaxLag > 0 {
		return s.cfg.RevocationMaxLag
	}
	return 5 * time.Second
}

// synced makes this node apply every change up to the one its own last
// write committed, so that its caches, sessions and subscribers know the
// change before the writer answers. An error means the write committed
// but this node has not applied it yet: its next read of the log will.
func (s *Service) synced(ctx context.Context) error {
	if err := s.catchUp(ctx); err != nil {
		return fmt.Errorf("committed, not yet applied here: %w", err)
	}
	return nil
}

// Confirmed returns nil while this node is within revocation_max_lag of
// the change log, ErrUnconfirmed otherwise.
func (s *Service) Confirmed() error {
	if s.cfg.RevocationMaxLag <= 0 {
		return nil
	}
	if s.FeedLag() > s.cfg.RevocationMaxLag {
		return ErrUnconfirmed
	}
	return nil
}

// FeedLag returns how long ago the node last confirmed the change log
// (since it started, if it never has).
func (s *Service) FeedLag() time.Duration {
	c := s.feed.confirmed.Load()
	if c == 0 {
		c = s.feed.started
	}
	return time.Since(time.Unix(0, c))
}
