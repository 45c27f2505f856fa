package service

import (
	"context"
	"time"
)

// pollInterval is how often a node reads the change log and beats when
// nothing wakes it: a quarter of revocation_max_lag.
func (s *Service) pollInterval() time.Duration {
	if s.cfg.RevocationMaxLag <= 0 {
		return time.Second
	}
	return s.cfg.RevocationMaxLag / 4
}

// staleAfter is how old a node's heartbeat may be before it counts as
// gone: three heartbeat intervals (cluster.md 3).
func (s *Service) staleAfter() time.Duration { return 3 * s.pollInterval() }

// Join registers this node with the store when several nodes share it;
// another live node with the same node_name makes it fail.
func (s *Service) Join(ctx context.Context) error {
	if s.cfg.Nodes == nil {
		return nil
	}
	return s.cfg.Nodes.JoinNode(ctx, s.cfg.Node, s.staleAfter())
}

// Leave unregisters this node (a clean stop).
func (s *Service) Leave(ctx context.Context) {
	if s.cfg.Nodes != nil {
		if err := s.cfg.Nodes.LeaveNode(ctx, s.cfg.Node); err != nil {
			s.log.Warn("leave the cluster", "error", err)
		}
	}
}

// heartbeat tells the other nodes this one is alive and how far it has
// applied the change log.
func (s *Service) heartbeat(ctx context.Context) {
	if s.cfg.Nodes == nil {
		return
	}
	applied := s.feed.applied.Load()
	if err := s.cfg.Nodes.Heartbeat(ctx, s.cfg.Node, applied); err != nil {
		if ctx.Err() == nil {
			s.log.Warn("heartbeat", "error", err)
		}
		return
	}
	s.feed.told.Store(applied)
}

// waitPeers waits until every other live node has applied the change log
// up to seq, for at most revocation_max_lag (a node that takes longer
// fails closed by itself by then): a writer that answers after it knows
// every node enforces its change, so its client's next call on any node
// sees it.
func (s *Service) waitPeers(ctx context.Context, seq int64) {
	if s.cfg.Nodes == nil || seq == 0 {
		return
	}
	deadline := time.Now().Add(s.cfg.RevocationMaxLag)
	pause := 500 * time.Microsecond
	for {
		n, err := s.cfg.Nodes.NodesBehind(context.WithoutCancel(ctx), s.cfg.Node, seq, s.staleAfter())
		if err != nil || n == 0 || time.Now().After(deadline) {
			return
		}
		time.Sleep(pause)
		pause = min(2*pause, 10*time.Millisecond)
	}
}

// wrote makes a writer whose transaction committed wait, before it
// answers, until its own node and then every other live node has applied
// what it committed. before is the store's LocalSeq before the write.
func (s *Service) wrote(ctx context.Context, before int64) error {
	if err := s.synced(ctx); err != nil {
		return err
	}
	if seq := s.cfg.Log.LocalSeq(); seq > before {
		s.heartbeat(context.WithoutCancel(ctx))
		s.waitPeers(ctx, seq)
	}
	return nil
}
