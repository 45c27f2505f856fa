package service_test

import (
	"fmt"
	"sync"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/service"
)

// sessions is a fake SessionManager: it holds the sessions tests opened and
// ends those a match selects, as the RPC server does.
type sessions struct {
	mu    sync.Mutex
	svc   *service.Service
	open  []*keyward.Session
	calls int
}

func (m *sessions) add(s *keyward.Session) {
	m.mu.Lock()
	m.open = append(m.open, s)
	m.mu.Unlock()
}

// EndSessions implements service.SessionManager.
func (m *sessions) EndSessions(match func(*keyward.Session) bool) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	n := 0
	keep := m.open[:0]
	for _, s := range m.open {
		if !match(s) {
			keep = append(keep, s)
			continue
		}
		s.End()
		m.svc.SessionEnded(keyward.HeldSession{ConnID: "c-" + s.LoginID, Session: s})
		n++
	}
	m.open = keep
	return n
}

// events is a fake Publisher that keeps what it was told.
type events struct {
	mu   sync.Mutex
	list []keyward.Event
}

// Publish implements keyward.Publisher.
func (p *events) Publish(e keyward.Event) {
	p.mu.Lock()
	p.list = append(p.list, e)
	p.mu.Unlock()
}

// msgs returns "<msg> <id>" for each event so far.
func (p *events) msgs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, e := range p.list {
		out = append(out, fmt.Sprintf("%s %v", e.Msg, e.ID))
	}
	return out
}

// observer is a fake Observer that counts what it is told.
type observer struct {
	mu      sync.Mutex
	logins  map[string]int // "<mechanism> <response type>"
	checked int
	timed   int
}

func (o *observer) Login(mech keyward.Mechanism, resp keyward.LoginResponse) {
	o.mu.Lock()
	o.logins[string(mech)+" "+string(resp)]++
	o.mu.Unlock()
}

func (o *observer) KeyChecked() {
	o.mu.Lock()
	o.checked++
	o.mu.Unlock()
}

func (o *observer) ChangesApplied(int) {}
func (o *observer) FeedReconnect()     {}

func (o *observer) KeyCheckTime(time.Duration) {
	o.mu.Lock()
	o.timed++
	o.mu.Unlock()
}

// counts returns how many logins of mech answered resp, key checks and
// timed key checks there were.
func (o *observer) counts(mech keyward.Mechanism, resp keyward.LoginResponse) (logins, checked, timed int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.logins[string(mech)+" "+string(resp)], o.checked, o.timed
}

// conn is a fake Binder: one connection's session slot. onSet, when set,
// runs once after the next SetSession (a change racing a login).
type conn struct {
	mu    sync.Mutex
	sess  *keyward.Session
	onSet func()
}

func (c *conn) Session() *keyward.Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sess
}

func (c *conn) SetSession(s *keyward.Session) {
	c.mu.Lock()
	c.sess = s
	f := c.onSet
	c.onSet = nil
	c.mu.Unlock()
	if f != nil {
		f()
	}
}

// CompareAndSwapSession installs new if old is there; like SetSession,
// it runs onSet after the first session it installs.
func (c *conn) CompareAndSwapSession(old, new *keyward.Session) bool {
	c.mu.Lock()
	if c.sess != old {
		c.mu.Unlock()
		return false
	}
	c.sess = new
	f := c.onSet
	c.onSet = nil
	c.mu.Unlock()
	if f != nil {
		f()
	}
	return true
}
