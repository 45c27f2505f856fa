package service

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/query"
)

// Redacted is what audit records and logs show instead of a secret.
const Redacted = "********"

// AuditCall writes a METHOD_CALL record. Failures to write are logged: the
// call's outcome does not change.
func (s *Service) AuditCall(ctx context.Context, a keyward.CallAudit) {
	rec := s.auditRecord(a.Caller, a.Caller.Username, "METHOD_CALL", a.Success, map[string]any{
		"method": a.Method, "params": query.Canonical(a.Params), "description": a.Description,
		"authenticated": a.Authenticated, "authorized": a.Authorized,
	})
	s.addAudit(ctx, rec)
}

// auditLogin writes an AUTHENTICATION record for a login attempt.
func (s *Service) auditLogin(ctx context.Context, c *keyward.Caller, username string, creds map[string]any, errText string) {
	var e any
	if errText != "" {
		e = errText
	}
	rec := s.auditRecord(c, username, "AUTHENTICATION", errText == "", map[string]any{
		"credentials": creds, "error": e,
	})
	if errText == "" {
		sd := rec["service_data"].(map[string]any)
		sd["credentials"] = creds
	}
	s.addAudit(ctx, rec)
}

// auditLogout writes the LOGOUT record of a session that ended, however
// it ended (api-keys.md 15.2): as TrueNAS 25.10, it still names the
// session's credentials and user.
func (s *Service) auditLogout(h keyward.HeldSession) {
	c := &keyward.Caller{ConnID: h.ConnID, Session: h.Session, Origin: h.Origin}
	rec := s.auditRecord(c, s.CurrentUsername(h.Session), "LOGOUT", true, map[string]any{
		"credentials": s.CredentialsJSON(h.Session, true),
	})
	s.addAudit(context.Background(), rec)
}

func (s *Service) addAudit(ctx context.Context, rec map[string]any) {
	if err := s.cfg.Audit.AddAudit(context.WithoutCancel(ctx), rec); err != nil {
		s.log.Error("write audit record", "event", rec["event"], "error", err)
	}
}

func auditVers() map[string]any { return map[string]any{"major": int64(0), "minor": int64(1)} }

func (s *Service) auditRecord(c *keyward.Caller, username, event string, success bool, data map[string]any) map[string]any {
	now := s.now().UTC()
	// Every record of a connection names it, logged in or not, as TrueNAS
	// does: the connection's id is the id auth.sessions shows.
	var session, creds any
	if c.ConnID != "" {
		session = c.ConnID
	}
	if c.Session != nil {
		creds = s.CredentialsJSON(c.Session, true)
	}
	return map[string]any{
		"audit_id":          uuid.NewString(),
		"message_timestamp": now.Unix(),
		"timestamp":         now.Truncate(time.Second),
		"address":           c.Origin.IP(),
		"username":          username,
		"session":           session,
		"service":           "MIDDLEWARE",
		"service_data": map[string]any{
			"vers": auditVers(), "origin": c.Origin.String(), "protocol": "WEBSOCKET", "credentials": creds,
		},
		"event":      event,
		"event_data": data,
		"success":    success,
	}
}

// QueryAudit runs audit.query.
func (s *Service) QueryAudit(ctx context.Context, f keyward.Filter, o keyward.QueryOptions) (any, error) {
	return s.cfg.Audit.QueryAudit(ctx, f, o)
}

// PruneAudit deletes records older than the retention, and changes of the
// change log older than ChangeRetention, now and then every hour until ctx
// ends; in a cluster, one node at a time does it.
func (s *Service) PruneAudit(ctx context.Context) {
	for {
		s.exclusively(ctx, "prune", s.prune)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

// prune is one round of PruneAudit.
func (s *Service) prune(ctx context.Context) error {
	if n, err := s.cfg.Audit.PruneAudit(ctx, s.now().Add(-s.cfg.AuditRetention)); err != nil {
		s.log.Warn("prune audit records", "error", err)
	} else if n > 0 {
		s.log.Info("pruned audit records", "count", n)
	}
	if err := s.cfg.Log.PruneChanges(ctx, time.Now().Add(-ChangeRetention)); err != nil {
		s.log.Warn("prune the change log", "error", err)
	}
	return nil
}

// ChangeRetention is how long the change log keeps a change: a node behind
// by more (it was cut off that long) reloads everything instead.
const ChangeRetention = time.Hour

// exclusively runs fn, on one node at a time in a cluster.
func (s *Service) exclusively(ctx context.Context, job string, fn func(context.Context) error) {
	if s.cfg.Exclusive == nil {
		_ = fn(ctx)
		return
	}
	if _, err := s.cfg.Exclusive.Exclusively(ctx, job, fn); err != nil && ctx.Err() == nil {
		s.log.Warn("background job", "job", job, "error", err)
	}
}

// CredentialsJSON renders a session's credentials as auth.sessions and the
// audit trail show them, with each user's current name; withLoginID false
// drops login_id (v25.04.0).
func (s *Service) CredentialsJSON(sess *keyward.Session, withLoginID bool) map[string]any {
	data := map[string]any{"username": s.CurrentUsername(sess)}
	if withLoginID {
		data["login_id"] = sess.LoginID
	}
	switch sess.Credential {
	case keyward.CredToken:
		if sess.Parent != nil {
			data["parent"] = s.CredentialsJSON(sess.Parent, withLoginID)
		}
	default:
		data["login_at"] = sess.LoginAt.Truncate(time.Second)
		if sess.Credential == keyward.CredAPIKey {
			data["api_key"] = map[string]any{"id": sess.APIKeyID, "name": sess.APIKeyName}
		}
	}
	return map[string]any{"credentials": string(sess.Credential), "credentials_data": data}
}

// RecordedUsername is how logs and audit records show a username a client
// sent: as sent when it is a valid username (accounts.md 5.1), else
// redacted, because a client that sends something else there may have
// typed a secret into the wrong field. A text that starts like a raw key
// shows as "<id>-********", anything else as "********".
func RecordedUsername(name string) string {
	if UsernamePattern.MatchString(name) {
		return name
	}
	return keys.Redact(name)
}
