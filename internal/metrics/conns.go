package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/keyward/keyward"
)

// credentials are the session credential types always exported, at zero
// when none is open.
var credentials = []keyward.Credential{keyward.CredPassword, keyward.CredAPIKey, keyward.CredToken}

var (
	connsDesc = prometheus.NewDesc("keyward_connections_open",
		"Open WebSocket connections.", nil, nil)
	sessionsDesc = prometheus.NewDesc("keyward_sessions_open",
		"Logged-in connections by credential type (LOGIN_PASSWORD, API_KEY, TOKEN).", []string{"credential"}, nil)
)

// Connections is a collector that counts connections and sessions when
// scraped, so opening and closing them costs nothing. Stats is usually
// the RPC server's Stats method.
type Connections struct {
	Stats func() (conns int, sessions map[keyward.Credential]int)
}

// Describe sends the descriptors of the two gauges.
func (c Connections) Describe(ch chan<- *prometheus.Desc) {
	ch <- connsDesc
	ch <- sessionsDesc
}

// Collect counts and sends the gauges.
func (c Connections) Collect(ch chan<- prometheus.Metric) {
	conns, sessions := c.Stats()
	ch <- prometheus.MustNewConstMetric(connsDesc, prometheus.GaugeValue, float64(conns))
	for _, cred := range credentials {
		ch <- prometheus.MustNewConstMetric(sessionsDesc, prometheus.GaugeValue, float64(sessions[cred]), string(cred))
	}
}
