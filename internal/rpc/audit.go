package rpc

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/schema"
)

// callRecord is the METHOD_CALL record of a call; for methods that are not
// audited it is filled in but never written.
type callRecord struct {
	keyward.CallAudit
	write bool
}

// startAudit prepares the record of a call. The description is computed
// before the call runs, so it names things as they were.
func (s *Server) startAudit(ctx context.Context, spec *Spec, args []any, caller *keyward.Caller) *callRecord {
	rec := &callRecord{CallAudit: keyward.CallAudit{Caller: caller, Method: spec.Name}}
	if spec.Audit != nil && s.auditor != nil {
		rec.write = true
		rec.Params = schema.Redact(spec.Params, args)
		rec.Description = spec.Audit(ctx, rec.Params.([]any))
	}
	return rec
}

// finishAudit writes the record of an audited call with its outcome.
func (s *Server) finishAudit(ctx context.Context, rec *callRecord, err error) {
	if rec.write {
		rec.Success = err == nil
		s.auditor.AuditCall(ctx, rec.CallAudit)
	}
}
