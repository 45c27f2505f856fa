package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/keyward/keyward"
)

// SessionHolder is what the cluster's session table needs of the RPC
// server besides SessionManager: the sessions its connections hold, and
// ending one by connection id for another node.
type SessionHolder interface {
	Held() []keyward.HeldSession
	TerminateConn(id string) bool
}

// holder returns the attached RPC server as a SessionHolder, if it is one.
func (s *Service) holder() SessionHolder {
	h, _ := s.sessions.Load().(SessionHolder)
	return h
}

// syncSessions registers this node's sessions in the cluster's session
// table: the ones that started since the last sync, and the removal of the
// ones that ended (cluster.md 3). It runs at every heartbeat.
func (s *Service) syncSessions(ctx context.Context) {
	h := s.holder()
	if s.cfg.Sessions == nil || h == nil {
		return
	}
	now := map[string]string{} // conn id -> login id
	var put []keyward.SessionRecord
	for _, held := range h.Held() {
		now[held.ConnID] = held.Session.LoginID
		if s.tabled[held.ConnID] != held.Session.LoginID {
			put = append(put, s.sessionRecord(held))
		}
	}
	var remove []string
	for id := range s.tabled {
		if _, ok := now[id]; !ok {
			remove = append(remove, id)
		}
	}
	if err := s.cfg.Sessions.PutSessions(ctx, s.cfg.Node, put, remove); err != nil {
		if ctx.Err() == nil {
			s.log.Warn("register sessions", "error", err)
		}
		return
	}
	s.tabled = now
}

// purgeSessions deletes the sessions of nodes that died (any node may:
// the delete is the same whoever runs it).
func (s *Service) purgeSessions(ctx context.Context) {
	if s.cfg.Sessions == nil {
		return
	}
	if err := s.cfg.Sessions.PurgeSessions(ctx, s.staleAfter()); err != nil && ctx.Err() == nil {
		s.log.Warn("purge sessions of dead nodes", "error", err)
	}
}

// sessionRecord is a held session as the session table keeps it.
func (s *Service) sessionRecord(h keyward.HeldSession) keyward.SessionRecord {
	creds := s.CredentialsJSON(h.Session, true)
	data, _ := creds["credentials_data"].(map[string]any)
	return keyward.SessionRecord{ID: h.ConnID, UserID: h.Session.UserID, Origin: h.Origin.String(),
		Secure: h.Origin.Secure, CreatedAt: h.Session.LoginAt, Credential: h.Session.Credential, Data: data}
}

// OtherNodesSessions returns the sessions the other live nodes of a
// cluster hold (none on one node).
func (s *Service) OtherNodesSessions(ctx context.Context) ([]keyward.SessionRecord, error) {
	if s.cfg.Sessions == nil {
		return nil, nil
	}
	return s.cfg.Sessions.ListSessions(ctx, s.cfg.Node, s.staleAfter())
}

// TerminateElsewhere ends sessions that other nodes hold: the one with
// connection id, or with id "" every one. It reports whether there was
// any, and answers once every live node has applied the ends.
func (s *Service) TerminateElsewhere(ctx context.Context, id string) (bool, error) {
	others, err := s.OtherNodesSessions(ctx)
	if err != nil || len(others) == 0 {
		return false, err
	}
	if id != "" {
		i := slices.IndexFunc(others, func(r keyward.SessionRecord) bool { return r.ID == id })
		if i < 0 {
			return false, nil
		}
		others = others[i : i+1]
	}
	before := s.cfg.Log.LocalSeq()
	for _, r := range others {
		if err := s.cfg.Log.AppendSessionEnd(ctx, r.ID); err != nil {
			return false, fmt.Errorf("terminate session: %w", err)
		}
	}
	return true, s.wrote(ctx, before)
}

// applySessionEnd ends the session of connection id if this node holds it.
func (s *Service) applySessionEnd(id string) {
	if h := s.holder(); h != nil {
		h.TerminateConn(id)
	}
}
