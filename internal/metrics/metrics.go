package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds every Keyward metric family. Its methods are safe for
// concurrent use.
type Metrics struct {
	reg         *prometheus.Registry
	calls       *prometheus.CounterVec
	callSeconds *prometheus.HistogramVec
	logins      *prometheus.CounterVec
	keyChecks   prometheus.Counter
	keySeconds  prometheus.Histogram
	events      prometheus.Counter
	slowDrops   prometheus.Counter
	rateLimited prometheus.Counter
	storeErrors prometheus.Counter
	applied     prometheus.Counter
	reconnects  prometheus.Counter

	// Children resolved once, so the hot paths skip the label lookup.
	loginBy map[[2]string]prometheus.Counter // mechanism, response type
}

// callBuckets span a ping (tens of µs) to a throttled login (seconds).
var callBuckets = []float64{.0001, .0005, .001, .005, .01, .05, .1, .5, 1, 5, 10}

// keyBuckets span an HMAC check (about 1 µs) to an imported PBKDF2 hash
// (a quarter of a second).
var keyBuckets = prometheus.ExponentialBuckets(1e-6, 4, 11)

// New returns the metrics on a fresh registry, with the Go runtime and
// process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "keyward_calls_total",
			Help: "JSON-RPC calls answered, by method (\"unknown\" for unregistered names) and outcome (ok, an errno name or a JSON-RPC code)."},
			[]string{"method", "outcome"}),
		callSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "keyward_call_duration_seconds",
			Help: "Time from a call's arrival to its answer, by method.", Buckets: callBuckets}, []string{"method"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "keyward_logins_total",
			Help: "Login attempts by mechanism and response type."}, []string{"mechanism", "response_type"}),
		// No label tells a refused key check from another: which refusals
		// happen is exactly what a login answer hides (security issue, item 2).
		keyChecks: prometheus.NewCounter(prometheus.CounterOpts{Name: "keyward_key_verifications_total",
			Help: "API-key secret checks, one per key login attempt (a dummy HMAC for keys refused before their secret is checked)."}),
		keySeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "keyward_key_verification_duration_seconds",
			Help: "Time of the API-key secret check of each key login that succeeded.", Buckets: keyBuckets}),
		events: prometheus.NewCounter(prometheus.CounterOpts{Name: "keyward_events_sent_total",
			Help: "Event notifications (collection_update) queued for subscribers."}),
		slowDrops: prometheus.NewCounter(prometheus.CounterOpts{Name: "keyward_slow_clients_dropped_total",
			Help: "Connections dropped because the client did not take its messages (1008 Client too slow, or a stuck write)."}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{Name: "keyward_rate_limited_total",
			Help: "Calls refused by the unauthenticated rate limit."}),
		storeErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "keyward_store_errors_total",
			Help: "Errors of the database (not business refusals such as a duplicate name)."}),
		applied: prometheus.NewCounter(prometheus.CounterOpts{Name: "keyward_changes_applied_total",
			Help: "Changes of the change log applied by this node (cluster.md 4)."}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{Name: "keyward_change_feed_reconnects_total",
			Help: "Times this node's change log listener reconnected."}),
	}
	m.reg.MustRegister(m.calls, m.callSeconds, m.logins, m.keyChecks, m.keySeconds,
		m.events, m.slowDrops, m.rateLimited, m.storeErrors, m.applied, m.reconnects,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.resolve()
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Register adds a collector (such as Connections) to the registry.
func (m *Metrics) Register(c prometheus.Collector) { m.reg.MustRegister(c) }
