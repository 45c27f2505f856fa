package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/keyward/keyward"
)

// SessionHolder is what the cluster's session table needs of the RPC
// server besides SessionManager: the sessions its connections hold, and
// ending one by connection id for another node.
type SessionHolder interface {
	Held() []keyward.HeldSession
	TerminateConn(id string) bool
	TerminateAllExcept(keep string)
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

// TerminateElsewhere ends the session of connection id if another node
// holds it, and reports whether the session table knows it there. An id
// the table does not know (yet: sessions are registered at heartbeats) is
// ended all the same wherever it is. It answers once every live node has
// applied the end.
func (s *Service) TerminateElsewhere(ctx context.Context, id string) (bool, error) {
	if s.cfg.Sessions == nil || strings.HasPrefix(id, allExcept) || strings.HasPrefix(id, tokenGone) {
		return false, nil // connection ids never start so: a client's id must not end every session or a token
	}
	others, err := s.OtherNodesSessions(ctx)
	if err != nil {
		return false, err
	}
	known := slices.ContainsFunc(others, func(r keyward.SessionRecord) bool { return r.ID == id })
	return known, s.endSession(ctx, id)
}

// TerminateOthersEverywhere ends every session but the one of connection
// keep on every node of a cluster, including sessions that logged in since
// the last heartbeat: each node ends its own.
func (s *Service) TerminateOthersEverywhere(ctx context.Context, keep string) error {
	if s.cfg.Sessions == nil {
		return nil
	}
	return s.endSession(ctx, allExcept+keep)
}

// allExcept starts a session change that ends every session but one.
const allExcept = "*"

// endSession appends a session end to the change log and waits until
// every live node applied it.
func (s *Service) endSession(ctx context.Context, id string) error {
	before := s.cfg.Log.LocalSeq()
	if err := s.cfg.Log.AppendSessionEnd(ctx, id); err != nil {
		return fmt.Errorf("terminate session: %w", err)
	}
	return s.wrote(ctx, before)
}

// applySessionEnd ends the session of connection id if this node holds
// it, or every session but one for "*<id>", or destroys a token for
// "#<digest>".
func (s *Service) applySessionEnd(id string) {
	if digest, ok := strings.CutPrefix(id, tokenGone); ok {
		s.applyTokenGone(digest)
		return
	}
	h := s.holder()
	if h == nil {
		return
	}
	if keep, ok := strings.CutPrefix(id, allExcept); ok {
		h.TerminateAllExcept(keep)
		return
	}
	h.TerminateConn(id)
}
