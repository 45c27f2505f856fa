package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/ejson"
	"github.com/keyward/keyward/internal/schema"
)

// Call is one method call as a handler sees it.
type Call struct {
	Conn   *Conn
	Spec   *Spec
	Caller *keyward.Caller
	Params []any // validated, one per declared parameter
}

// admit counts a call in flight and starts it, or queues it behind the
// running ones. It returns false when MaxCallsInFlight are already in
// flight (protocol.md 13.2). A login call takes its place in the login
// line only once admitted: a refused one holding a ticket would block
// every later login of the connection.
func (c *Conn) admit(req *request) bool {
	c.mu.Lock()
	if c.inflight >= MaxCallsInFlight {
		c.mu.Unlock()
		return false
	}
	c.inflight++
	if req.login {
		req.ticket = c.logins.ticket()
	}
	switch {
	case c.running < MaxCallsRunning && c.inline(req):
		c.running++
		c.mu.Unlock()
		c.work(req)
		return true
	case c.running < MaxCallsRunning:
		c.running++
		go c.work(req)
	default:
		c.pending = append(c.pending, req)
	}
	c.mu.Unlock()
	return true
}

// inline reports whether req may run on the reader goroutine: a method
// that only computes (Method.Inline), when no rate-limit delay can apply
// (see authenticate: a login call is limited on any connection).
func (c *Conn) inline(req *request) bool {
	spec := c.srv.registry.Spec(c.version, req.method)
	if spec == nil || !spec.Inline {
		return false
	}
	return spec.Access != NoAuth || spec.NoRateLimit || c.srv.limiter == nil ||
		(c.session.Load() != nil && !spec.Login)
}

// work runs req, then the waiting calls in arrival order, until none wait.
// Goroutines exist only while calls run, so idle connections cost none.
func (c *Conn) work(req *request) {
	for req != nil {
		c.execute(req)
		c.mu.Lock()
		c.inflight--
		req = nil
		if len(c.pending) > 0 {
			req = c.pending[0]
			c.pending[0] = nil
			c.pending = c.pending[1:]
		} else {
			c.running--
		}
		c.mu.Unlock()
	}
}

// execute runs one call, records its outcome and sends its response, if
// it has an id; then the work the call deferred until its response was
// queued. A call its connection ended before it ran is not recorded.
func (c *Conn) execute(req *request) {
	ctx := c.ctx
	if req.login {
		if !c.logins.enter(req.ticket) {
			return
		}
		defer c.logins.leave()
		c.loginStarted()
		defer c.loginEnded()
	}
	if ctx.Err() != nil {
		return
	}
	caller := &keyward.Caller{}
	var result any
	err := c.unconfirmed(req)
	if err == nil {
		caller, err = c.refresh(ctx)
	}
	if err == nil {
		result, err = c.call(ctx, req, caller)
	}
	defer caller.RunDeferred()
	if !req.hasID || ctx.Err() != nil {
		c.finish(req, Outcome(err))
		return
	}
	var msg []byte
	if err == nil {
		msg, err = appendResult(nil, req.id, result)
	}
	outcome := OutcomeOK
	if err != nil {
		msg, outcome = c.errorMessage(req.id, err)
	}
	c.finish(req, outcome)
	c.reply(msg)
}

// unconfirmed returns the error a login or a session's call gets while
// the node cannot confirm credentials, before the session is looked at:
// it is neither used nor ended meanwhile.
func (c *Conn) unconfirmed(req *request) error {
	if c.srv.authority == nil || (!req.login && c.Session() == nil) {
		return nil
	}
	return c.srv.authority.Confirmed()
}

// call applies the checks of protocol.md section 7 (step 2, the session
// refresh, made caller) and runs the handler, auditing audited methods
// whatever the outcome.
func (c *Conn) call(ctx context.Context, req *request, caller *keyward.Caller) (result any, err error) {
	spec := c.srv.registry.Spec(c.version, req.method)
	if spec == nil {
		return nil, methodNotInVersion(req.method)
	}
	ctx = keyward.NewContext(ctx, caller)
	if err := c.limitNotLoggedIn(ctx, spec, caller); err != nil {
		return nil, err
	}
	rec := c.srv.startAudit(ctx, spec, req.params, caller)
	defer func() { c.srv.finishAudit(ctx, rec, result, err) }()
	if err := c.authenticate(ctx, spec, caller); err != nil {
		return nil, err
	}
	rec.passed(caller.Authenticated(), false)
	if !spec.Allows(caller.Roles) {
		return nil, keyward.ErrNotAuthorized
	}
	rec.passed(caller.Authenticated(), true)
	params, err := schema.ValidateParams(spec.Params, req.params)
	if err != nil {
		return nil, err
	}
	result, err = c.run(ctx, spec, &Call{Conn: c, Spec: spec, Caller: caller, Params: params})
	if err != nil {
		return nil, err
	}
	// Handlers return the newest version's shape; the registry's result
	// schema of the caller's version says what it looks like there.
	return schema.Cut(spec.Method.Result, spec.Result, result), nil
}

// run executes the handler. A panic fails only this call, with EFAULT
// (the error is logged with its stack); the connection and the server go
// on.
func (c *Conn) run(ctx context.Context, spec *Spec, call *Call) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in %s: %v\n%s", spec.Name, p, debug.Stack())
		}
	}()
	return spec.Handler(ctx, call)
}

// authenticate is step 3: login required, or the rate limit for no-auth
// methods on unauthenticated connections and for every login call. Login
// calls share one budget per address, whichever login method they use and
// whether or not the connection is already authenticated: a password guess
// costs the same everywhere.
func (c *Conn) authenticate(ctx context.Context, spec *Spec, caller *keyward.Caller) error {
	if spec.Access != NoAuth {
		if !caller.Authenticated() {
			return keyward.ErrNotAuthenticated
		}
		return nil
	}
	if spec.NoRateLimit || c.srv.limiter == nil || (caller.Authenticated() && !spec.Login) {
		return nil
	}
	budget := spec.Name
	if spec.Login {
		budget = LoginBudget
	}
	err := c.srv.limiter.Allow(ctx, budget, c.origin)
	if err != nil {
		c.srv.obs.RateLimited()
	}
	return err
}

// NotLoggedInBudget is the rate limiter's key for calls of methods that
// need a login, made on a connection that has none: each is refused with
// ENOTAUTHENTICATED and audited, so without a bound a client could fill
// the audit trail without ever logging in.
const NotLoggedInBudget = "not logged in"

// limitNotLoggedIn counts a call that needs a login on a connection that
// has none; past the budget it is refused with EBUSY before it is audited.
func (c *Conn) limitNotLoggedIn(ctx context.Context, spec *Spec, caller *keyward.Caller) error {
	if spec.Access == NoAuth || caller.Authenticated() || c.srv.limiter == nil {
		return nil
	}
	err := c.srv.limiter.Allow(ctx, NotLoggedInBudget, c.origin)
	if err != nil {
		c.srv.obs.RateLimited()
	}
	return err
}

func methodNotInVersion(name string) *keyward.Error {
	ns, short := "", name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		ns, short = name[:i], name[i+1:]
	}
	return keyward.Errorf(keyward.ENOMETHOD, "Method '%s' not found in '%s'", short, ns)
}

// errorMessage encodes an error response, logging unexpected errors once,
// and returns the call's outcome label.
func (c *Conn) errorMessage(id any, err error) ([]byte, string) {
	code, message, data, internal := wireError(err)
	if internal && !errors.Is(err, context.Canceled) {
		c.srv.log.LogAttrs(context.Background(), slog.LevelError, "call failed",
			slog.String("conn", c.id), slog.Any("id", ejson.Plain(id)), slog.Any("error", err))
	}
	return appendError(nil, id, code, message, data), outcomeLabel(code, data)
}
