package service

import (
	"context"
	"time"
)

// Follow keeps this node in step with the change log until ctx ends
// (cluster.md 4): a listener wakes it at every commit anywhere, and it
// reads the log at least every poll interval in any case, so a lost
// notification or a dropped connection delays nothing by more than that.
// While the listener is down the node does not count as confirmed. The
// node's own writes (heartbeats, its sessions, sweeps) run on a goroutine
// of their own, so a slow commit never keeps a change from being applied.
func (s *Service) Follow(ctx context.Context, poll time.Duration) {
	s.heartbeat(ctx)
	go s.listen(ctx)
	go s.beat(ctx, poll)
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.feed.wake:
		}
		if err := s.catchUp(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("read change log", "error", err)
		}
		// Beat at once when this node applied changes a writer elsewhere
		// may be waiting for.
		if s.feed.applied.Load() != s.feed.told.Load() {
			s.beatNow()
		}
	}
}

// beat writes this node's heartbeat at every poll interval and when asked
// (beatNow), registers its sessions at every interval, and sweeps expired
// tokens and dead nodes' rows every minute, until ctx ends.
func (s *Service) beat(ctx context.Context, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	sweep := time.NewTicker(time.Minute)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sweep.C:
			s.tokens.sweep()
			s.purgeSessions(ctx)
			s.purgeTokens(ctx)
		case <-s.feed.beat:
			s.heartbeat(ctx)
		case <-t.C:
			s.heartbeat(ctx)
			s.syncSessions(ctx)
		}
	}
}

// beatNow asks beat for a heartbeat now.
func (s *Service) beatNow() {
	select {
	case s.feed.beat <- struct{}{}:
	default:
	}
}

// listen runs the store's listener, reconnecting with a growing pause
// (up to a second) while it fails.
func (s *Service) listen(ctx context.Context) {
	pause := 10 * time.Millisecond
	for ctx.Err() == nil {
		ready := func() {
			s.feed.listening.Store(time.Now().UnixNano())
			s.nudge()
			pause = 10 * time.Millisecond
		}
		err := s.cfg.Log.Listen(ctx, ready, s.nudge)
		s.feed.listening.Store(0)
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("change log listener", "error", err)
		s.cfg.Observer.FeedReconnect()
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
}

// nudge asks Follow to read the log now.
func (s *Service) nudge() {
	select {
	case s.feed.wake <- struct{}{}:
	default:
	}
}
