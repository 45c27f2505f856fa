package keyward

import (
	"context"
	"net/netip"
	"sync/atomic"
	"time"
)

// Origin is where a connection comes from (protocol.md 1.2).
type Origin struct {
	// Addr is the client address and port; invalid for the unix socket.
	Addr netip.AddrPort
	// Unix marks a connection on the unix socket listener.
	Unix bool
	// Secure reports secure transport: own TLS, a trusted proxy reporting
	// https, the unix socket, or loopback.
	Secure bool
	// Binding is the connection's tls-server-end-point channel binding
	// (scram.md 9.8): that of the certificate Keyward's own TLS listener
	// served, or of scram_binding_cert behind a trusted proxy reporting
	// https; nil when the connection has none (plain ws://, the unix
	// socket, a certificate whose algorithm gives no binding). The bytes
	// are kept in a string so that Origins stay comparable.
	Binding string
}

// ChannelBinding returns the connection's channel binding bytes, nil when
// it has none.
func (o Origin) ChannelBinding() []byte {
	if o.Binding == "" {
		return nil
	}
	return []byte(o.Binding)
}

// String returns "ip:port", "[ipv6]:port" or "UNIX socket".
func (o Origin) String() string {
	if o.Unix {
		return "UNIX socket"
	}
	return o.Addr.String()
}

// IP returns the client address without port ("" for the unix socket).
func (o Origin) IP() string {
	if o.Unix {
		return ""
	}
	return o.Addr.Addr().String()
}

// Mechanism is a login mechanism of auth.login_ex (accounts.md 10.1).
type Mechanism string

// The login mechanisms.
const (
	MechPasswordPlain Mechanism = "PASSWORD_PLAIN"
	MechAPIKeyPlain   Mechanism = "API_KEY_PLAIN"
	MechTokenPlain    Mechanism = "TOKEN_PLAIN"
	MechOTPToken      Mechanism = "OTP_TOKEN"
	// MechSCRAM is API-key login by SCRAM-SHA-512 (scram.md), on v26.0.0
	// and later only.
	MechSCRAM Mechanism = "SCRAM"
)

// SCRAMType is the scram_type of a SCRAM step of auth.login_ex and of its
// answer (scram.md 2.2, 2.3).
type SCRAMType string

// The SCRAM steps and answers.
const (
	SCRAMClientFirst SCRAMType = "CLIENT_FIRST_MESSAGE"
	SCRAMClientFinal SCRAMType = "CLIENT_FINAL_MESSAGE"
	SCRAMServerFirst SCRAMType = "SERVER_FIRST_RESPONSE"
	SCRAMServerFinal SCRAMType = "SERVER_FINAL_RESPONSE"
)

// LoginResponse is the response_type of a login (accounts.md 10.2).
type LoginResponse string

// The login answers.
const (
	LoginSuccess LoginResponse = "SUCCESS"
	LoginAuthErr LoginResponse = "AUTH_ERR"
	LoginExpired LoginResponse = "EXPIRED"
	// LoginDenied answers a correct credential of an account that may not
	// use the API (no roles) on v26.0.0 and later; older versions answer
	// LoginAuthErr instead (versions.md 2.5).
	LoginDenied LoginResponse = "DENIED"
	// LoginSCRAM answers a SCRAM step that went through: the server-first,
	// or the server-final of a successful login (scram.md 2.2, 2.3).
	LoginSCRAM LoginResponse = "SCRAM_RESPONSE"
)

// Credential is how a session logged in.
type Credential string

// The credential types Keyward produces.
const (
	CredPassword Credential = "LOGIN_PASSWORD"
	CredAPIKey   Credential = "API_KEY"
	CredToken    Credential = "TOKEN"
)

// Session is the authenticated state of one connection.
type Session struct {
	LoginID string // UUID made at login
	UserID  int64
	// UserStamp is the user's Stamp at login: the session belongs to the
	// account with both UserID and UserStamp, never to a later one.
	UserStamp int64
	// Username is the name at login; rules and records use the current
	// name (Caller.Username).
	Username   string
	Credential Credential
	LoginAt    time.Time
	// APIKeyID and APIKeyName are set for API_KEY sessions and for token
	// sessions whose chain starts at one.
	APIKeyID   int64
	APIKeyName string
	APIKeyGen  int64 // the key's SecretGen at login
	// SCRAM marks an API_KEY session opened by a SCRAM login (auth.me's
	// account_attributes name it).
	SCRAM bool
	// Parent is the generating session of a TOKEN session.
	Parent *Session
	// TokenDigest is the SHA-256 of the token a TOKEN session logged in
	// with (to refresh its idle timer); the token itself is kept nowhere.
	TokenDigest [32]byte
	// TokenEpoch is the user's TokenEpoch this session's tokens are made
	// in: the one its password or token login saw, moved on when the
	// session itself changes its user's password. A session opened before a
	// password change cannot make tokens that outlive it.
	TokenEpoch atomic.Int64
	ended      atomic.Bool
}

// End marks the session ended and reports whether this call did it.
func (s *Session) End() bool { return s.ended.CompareAndSwap(false, true) }

// Ended reports whether the session has ended (logout, termination,
// invalidation). A session whose connection closed, or that another login
// on its connection replaced, is not marked: the tokens it made live on.
func (s *Session) Ended() bool { return s.ended.Load() }

// Root returns the first session of a token chain.
func (s *Session) Root() *Session {
	for s.Parent != nil {
		s = s.Parent
	}
	return s
}

// Caller is who makes the current call: the connection's session (nil when
// unauthenticated), the effective roles recomputed for this call, the API
// version and the origin.
type Caller struct {
	ConnID  string
	Session *Session
	// Username is the session user's name as of this call (a user may be
	// renamed while logged in); "" without a session.
	Username string
	Roles    RoleSet
	Version  Version
	Origin   Origin
	// deferred runs after the call's response is queued.
	deferred []func()
}

// Defer arranges for fn to run once the call's response has been queued.
func (c *Caller) Defer(fn func()) { c.deferred = append(c.deferred, fn) }

// RunDeferred runs the functions given to Defer, in order. The RPC layer
// calls it after queuing the response.
func (c *Caller) RunDeferred() {
	for _, fn := range c.deferred {
		fn()
	}
	c.deferred = nil
}

// Authenticated reports whether the caller has a session.
func (c *Caller) Authenticated() bool { return c != nil && c.Session != nil }

type callerKey struct{}

// NewContext returns ctx carrying c.
func NewContext(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller carried by ctx, or nil.
func CallerFrom(ctx context.Context) *Caller {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	return c
}

// Event is a change to a collection, told to its subscribers as a
// collection_update notification.
type Event struct {
	Collection string   // the event name, e.g. CollectionAPIKeys
	Msg        EventMsg // what happened to the entry
	ID         any      // the entry id, or nil
	// Entity is the changed domain object (such as an *APIKey), which the
	// API layer renders for each subscriber; nil for "removed".
	Entity any
}

// Event names: the collections clients subscribe to.
const (
	CollectionAPIKeys = "api_key.query"
	CollectionJobs    = "core.get_jobs"
)

// EventMsg is what happened to an entry.
type EventMsg string

// The messages of collection_update notifications.
const (
	EventAdded   EventMsg = "added"
	EventChanged EventMsg = "changed"
	EventRemoved EventMsg = "removed"
)

// Publisher tells subscribers about events, in the order published.
type Publisher interface {
	Publish(e Event)
}

// HeldSession is a session a connection of this node holds.
type HeldSession struct {
	ConnID  string
	Session *Session
	Origin  Origin
}
