package rpc

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/schema"
)

// callRecord is the METHOD_CALL record of an audited call; nil for the
// others, and its methods then do nothing.
type callRecord struct{ keyward.CallAudit }

// startAudit prepares the record of a call. The description is computed
// before the call runs, so it names things as they were.
func (s *Server) startAudit(ctx context.Context, spec *Spec, args []any, caller *keyward.Caller) *callRecord {
	if spec.Audit == nil {
		return nil
	}
	rec := &callRecord{keyward.CallAudit{Caller: caller, Method: spec.Name, Params: schema.Redact(spec.Params, args)}}
	rec.Description = spec.Audit(ctx, rec.Params.([]any))
	return rec
}

// passed records how far the call got: authenticated, then authorized.
func (r *callRecord) passed(authenticated, authorized bool) {
	if r != nil {
		r.Authenticated, r.Authorized = authenticated, authorized
	}
}

// finishAudit writes the record of an audited call with its outcome, and
// its log line.
func (s *Server) finishAudit(ctx context.Context, rec *callRecord, result any, err error) {
	if rec == nil {
		return
	}
	rec.Success = err == nil
	if s.auditor != nil {
		s.auditor.AuditCall(ctx, rec.CallAudit)
	}
	s.logAction(rec, result, err)
}
