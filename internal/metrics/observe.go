package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/service"
)

// Metrics is the observer of both the RPC engine and the services.
var (
	_ rpc.Observer     = (*Metrics)(nil)
	_ service.Observer = (*Metrics)(nil)
)

// resolve creates the children of the fixed label sets, so they are
// exported at zero before the first event and cost no lookup after.
func (m *Metrics) resolve() {
	m.loginBy = map[[2]string]prometheus.Counter{}
	for _, mech := range service.Mechanisms {
		for _, resp := range service.ResponseTypes {
			m.loginBy[[2]string{string(mech), string(resp)}] = m.logins.WithLabelValues(string(mech), string(resp))
		}
	}
}

// method records the calls of one method: the success counter and the
// latency histogram are resolved when the server is built; failures look
// their outcome up.
type method struct {
	m       *Metrics
	name    string
	ok      prometheus.Counter
	latency prometheus.Observer
}

// Method returns the recorder of one registered method (or of
// rpc.UnknownMethod). The server calls it once per method at start-up.
func (m *Metrics) Method(name string) rpc.CallObserver {
	return &method{m: m, name: name,
		ok: m.calls.WithLabelValues(name, rpc.OutcomeOK), latency: m.callSeconds.WithLabelValues(name)}
}

// Call records one call.
func (c *method) Call(outcome string, d time.Duration) {
	if outcome == rpc.OutcomeOK {
		c.ok.Inc()
	} else {
		c.m.calls.WithLabelValues(c.name, outcome).Inc()
	}
	c.latency.Observe(d.Seconds())
}

// EventSent counts an event notification.
func (m *Metrics) EventSent() { m.events.Inc() }

// SlowClientDropped counts a connection dropped as too slow.
func (m *Metrics) SlowClientDropped() { m.slowDrops.Inc() }

// RateLimited counts a call refused by the rate limit.
func (m *Metrics) RateLimited() { m.rateLimited.Inc() }

// StoreError counts a database error.
func (m *Metrics) StoreError() { m.storeErrors.Inc() }

// Login counts a login attempt.
func (m *Metrics) Login(mechanism keyward.Mechanism, responseType keyward.LoginResponse) {
	if c, ok := m.loginBy[[2]string{string(mechanism), string(responseType)}]; ok {
		c.Inc()
	}
}

// KeyChecked counts an API-key secret check.
func (m *Metrics) KeyChecked() { m.keyChecks.Inc() }

// ChangesApplied counts changes of the change log applied.
func (m *Metrics) ChangesApplied(n int) { m.applied.Add(float64(n)) }

// FeedReconnect counts a reconnection of the change log listener.
func (m *Metrics) FeedReconnect() { m.reconnects.Inc() }

// KeyCheckTime records the secret check time of a key login that succeeded.
func (m *Metrics) KeyCheckTime(d time.Duration) { m.keySeconds.Observe(d.Seconds()) }
