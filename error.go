package keyward

import (
	"fmt"
	"slices"
	"strings"
)

// Errno is a TrueNAS errno value carried in the data object of an error.
type Errno int

// The errno values Keyward uses (protocol.md section 5.3).
const (
	EPERM             Errno = 1
	ENOENT            Errno = 2
	EACCES            Errno = 13
	EFAULT            Errno = 14
	EBUSY             Errno = 16
	EEXIST            Errno = 17
	EINVAL            Errno = 22
	EOPNOTSUPP        Errno = 95
	ENOMETHOD         Errno = 201
	ENOTAUTHENTICATED Errno = 207
)

var errnoNames = map[Errno]string{
	EPERM: "EPERM", ENOENT: "ENOENT", EACCES: "EACCES", EFAULT: "EFAULT",
	EBUSY: "EBUSY", EEXIST: "EEXIST", EINVAL: "EINVAL", EOPNOTSUPP: "EOPNOTSUPP",
	ENOMETHOD: "ENOMETHOD", ENOTAUTHENTICATED: "ENOTAUTHENTICATED",
}

// Name returns the symbolic name of e, or "EUNKNOWN".
func (e Errno) Name() string {
	if n, ok := errnoNames[e]; ok {
		return n
	}
	return "EUNKNOWN"
}

// Error is a failed call (JSON-RPC -32001 "Method call error"). Handlers
// return it for authentication, authorization and business failures.
type Error struct {
	Errno   Errno
	Message string
	// Bare drops the "[ERRNAME] " prefix from the reason (only MatchNotFound()).
	Bare bool
}

// Error implements error.
func (e *Error) Error() string { return e.Reason() }

// Reason is the text of the data object's reason member.
func (e *Error) Reason() string {
	if e.Bare {
		return e.Message
	}
	return "[" + e.Errno.Name() + "] " + e.Message
}

// Errorf returns an *Error with the given errno and formatted message.
func Errorf(errno Errno, format string, args ...any) *Error {
	return &Error{Errno: errno, Message: fmt.Sprintf(format, args...)}
}

// Common call errors.
var (
	ErrNotAuthenticated = &Error{Errno: ENOTAUTHENTICATED, Message: "Not authenticated"}
	ErrNotAuthorized    = &Error{Errno: EACCES, Message: "Not authorized"}
	ErrRateLimited      = &Error{Errno: EBUSY, Message: "Rate Limit Exceeded"}
	ErrMatchNotFound    = &Error{Errno: EINVAL, Message: "MatchNotFound()", Bare: true}
	ErrInternal         = &Error{Errno: EFAULT, Message: "Internal error"}
	// ErrUnconfirmed answers logins and session calls while the node
	// cannot confirm credentials with the database (cluster.md 4); the
	// session is kept.
	ErrUnconfirmed = &Error{Errno: EFAULT, Message: "Keyward cannot confirm credentials with the database; retry shortly"}
	// ErrPepperRecorded: another node recorded its pepper first
	// (PepperStore.RecordPepperChecks).
	ErrPepperRecorded = &Error{Errno: EFAULT, Message: "another pepper was recorded for this database first"}
)

// FieldError is one [attribute, message, errno] triple of a validation error.
type FieldError struct {
	// Attr is the dotted attribute path; ignored when NullAttr is set.
	Attr     string
	NullAttr bool
	Message  string
	Errno    Errno
}

// ValidationError is a failed params or business validation (JSON-RPC
// -32602 "Invalid params"). It holds every triple found, in order.
type ValidationError struct {
	Fields []FieldError
	// Alone marks an entity-not-found error, whose reason has no trailing
	// newline (protocol.md 5.2).
	Alone bool
}

// Error implements error.
func (e *ValidationError) Error() string { return e.Reason() }

// Reason is the text of the data object's reason member: one line per
// triple, each followed by a newline unless the error is Alone.
func (e *ValidationError) Reason() string {
	var b strings.Builder
	for _, f := range e.Fields {
		attr := f.Attr
		if f.NullAttr {
			attr = "None"
		}
		fmt.Fprintf(&b, "[%s] %s: %s", f.Errno.Name(), attr, f.Message)
		if !e.Alone {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Add appends a triple with errno EINVAL unless errno is given.
func (e *ValidationError) Add(attr, message string, errno ...Errno) {
	n := EINVAL
	if len(errno) > 0 {
		n = errno[0]
	}
	e.Fields = append(e.Fields, FieldError{Attr: attr, Message: message, Errno: n})
}

// Err returns e as an error, or nil when it holds no triples.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Invalid returns a validation error with a single EINVAL triple.
func Invalid(attr, message string) *ValidationError {
	v := &ValidationError{}
	v.Add(attr, message)
	return v
}

// NotFound returns the entity-not-found validation error,
// e.g. NotFound("ApiKey", 7) gives "ApiKey 7 does not exist".
func NotFound(entity string, id any) *ValidationError {
	return &ValidationError{Alone: true, Fields: []FieldError{{
		NullAttr: true, Message: fmt.Sprintf("%s %v does not exist", entity, id), Errno: ENOENT,
	}}}
}

// Errnos lists the errno values Keyward uses, ascending.
func Errnos() []Errno {
	out := make([]Errno, 0, len(errnoNames))
	for e := range errnoNames {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}
