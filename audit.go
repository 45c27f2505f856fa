package keyward

import "context"

// CallAudit describes one call of an audited method, for a METHOD_CALL
// audit record.
type CallAudit struct {
	Caller        *Caller
	Method        string
	Params        any // as sent, secrets redacted
	Description   string
	Authenticated bool
	Authorized    bool
	Success       bool
}

// Auditor records calls of audited methods.
type Auditor interface {
	AuditCall(ctx context.Context, a CallAudit)
}
