package rpc_test

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// fakeAuthority answers for sessions from a table of roles per username;
// a username marked gone has lost its sessions (as when an account is
// disabled), and sessions that ended stay ended.
type fakeAuthority struct {
	mu    sync.Mutex
	roles map[string]keyward.RoleSet
	gone  map[string]bool
	// ended and closed receive the sessions SessionEnded and
	// SessionClosed were told about.
	ended, closed chan *keyward.Session
	// unconfirmed is what Confirmed answers.
	unconfirmed error
}

func newFakeAuthority() *fakeAuthority {
	return &fakeAuthority{
		roles: map[string]keyward.RoleSet{}, gone: map[string]bool{},
		ended: make(chan *keyward.Session, 64), closed: make(chan *keyward.Session, 64),
	}
}

// setRoles gives user roles, effective from the next call or event.
func (a *fakeAuthority) setRoles(user string, roles ...keyward.Role) {
	a.mu.Lock()
	a.roles[user] = keyward.Roles(roles...)
	a.mu.Unlock()
}

// invalidate makes every session of user invalid from now on.
func (a *fakeAuthority) invalidate(user string) {
	a.mu.Lock()
	a.gone[user] = true
	a.mu.Unlock()
}

// Refresh implements rpc.Authority: the effective roles are the user's
// roles with every role they include.
func (a *fakeAuthority) Refresh(_ context.Context, s *keyward.Session, _ keyward.Origin) (string, keyward.RoleSet, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if s.Ended() || a.gone[s.Username] {
		return "", 0, keyward.ErrNotAuthenticated
	}
	return s.Username, a.roles[s.Username].Expand(), nil
}

// SessionEnded implements rpc.Authority.
func (a *fakeAuthority) SessionEnded(h keyward.HeldSession) { tell(a.ended, h.Session) }

// SessionClosed implements rpc.Authority.
func (a *fakeAuthority) SessionClosed(h keyward.HeldSession) { tell(a.closed, h.Session) }

func (a *fakeAuthority) Confirmed() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.unconfirmed
}

// setUnconfirmed makes the node fail closed with err (nil: serve again).
func (a *fakeAuthority) setUnconfirmed(err error) {
	a.mu.Lock()
	a.unconfirmed = err
	a.mu.Unlock()
}

// tell sends v unless ch is full: a fake never blocks the server.
func tell[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}

// fakeAuditor keeps the audit records of calls.
type fakeAuditor struct {
	mu      sync.Mutex
	records []keyward.CallAudit
}

// AuditCall implements keyward.Auditor.
func (a *fakeAuditor) AuditCall(_ context.Context, r keyward.CallAudit) {
	a.mu.Lock()
	a.records = append(a.records, r)
	a.mu.Unlock()
}

// all returns the records so far.
func (a *fakeAuditor) all() []keyward.CallAudit {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]keyward.CallAudit(nil), a.records...)
}

// fakeObserver counts what the engine reports.
type fakeObserver struct {
	mu       sync.Mutex
	outcomes map[string][]string // method -> outcomes, in order
	asked    map[string]bool     // names Method was asked for
	events   atomic.Int64
	limited  atomic.Int64
	dropped  chan struct{}
}

func newFakeObserver() *fakeObserver {
	return &fakeObserver{outcomes: map[string][]string{}, asked: map[string]bool{}, dropped: make(chan struct{}, 64)}
}

// Method implements rpc.Observer.
func (o *fakeObserver) Method(name string) rpc.CallObserver {
	o.mu.Lock()
	o.asked[name] = true
	o.mu.Unlock()
	return methodObserver{o, name}
}

// EventSent implements rpc.Observer.
func (o *fakeObserver) EventSent() { o.events.Add(1) }

// SlowClientDropped implements rpc.Observer.
func (o *fakeObserver) SlowClientDropped() { tell(o.dropped, struct{}{}) }

// RateLimited implements rpc.Observer.
func (o *fakeObserver) RateLimited() { o.limited.Add(1) }

// wasAsked reports whether the server asked for the recorder of name.
func (o *fakeObserver) wasAsked(name string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.asked[name]
}

// calls returns the outcomes recorded for a method.
func (o *fakeObserver) calls(method string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.outcomes[method]...)
}

type methodObserver struct {
	o    *fakeObserver
	name string
}

func (m methodObserver) Call(outcome string, _ time.Duration) {
	m.o.mu.Lock()
	m.o.outcomes[m.name] = append(m.o.outcomes[m.name], outcome)
	m.o.mu.Unlock()
}

// logRecorder keeps the server's log records, debug level included.
type logRecorder struct {
	mu      sync.Mutex
	records []logRecord
}

type logRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

func (l *logRecorder) logger() *slog.Logger { return slog.New(recordHandler{l}) }

// find returns the records with the message msg.
func (l *logRecorder) find(msg string) []logRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []logRecord
	for _, r := range l.records {
		if r.msg == msg {
			out = append(out, r)
		}
	}
	return out
}

type recordHandler struct{ l *logRecorder }

func (h recordHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h recordHandler) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{level: r.Level, msg: r.Message, attrs: map[string]string{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.String()
		return true
	})
	h.l.mu.Lock()
	h.l.records = append(h.l.records, rec)
	h.l.mu.Unlock()
	return nil
}

func (h recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recordHandler) WithGroup(string) slog.Handler      { return h }

// loginTracker counts the test.login calls executing at once.
type loginTracker struct {
	mu        sync.Mutex
	active    int
	maxActive int
	entered   chan string // the username of each waiting login as it starts
}

func (l *loginTracker) enter(user string) {
	l.mu.Lock()
	l.active++
	l.maxActive = max(l.maxActive, l.active)
	l.mu.Unlock()
	tell(l.entered, user)
}

func (l *loginTracker) leave() {
	l.mu.Lock()
	l.active--
	l.mu.Unlock()
}

func (l *loginTracker) most() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.maxActive
}
