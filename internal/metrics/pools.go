package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/keyward/keyward"
)

var (
	poolInUseDesc = prometheus.NewDesc("keyward_db_connections_in_use",
		"Database connections in use, by pool of the store.", []string{"pool"}, nil)
	poolOpenDesc = prometheus.NewDesc("keyward_db_connections_open",
		"Database connections open, by pool of the store.", []string{"pool"}, nil)
	poolMaxDesc = prometheus.NewDesc("keyward_db_connections_max",
		"The most database connections a pool of the store opens.", []string{"pool"}, nil)
)

// Pools is a collector of the store's connection pools, read when scraped.
type Pools struct{ Store keyward.PoolReporter }

// Describe sends the descriptors of the three gauges.
func (p Pools) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolInUseDesc
	ch <- poolOpenDesc
	ch <- poolMaxDesc
}

// Collect reads and sends the gauges.
func (p Pools) Collect(ch chan<- prometheus.Metric) {
	for _, s := range p.Store.PoolStats() {
		ch <- prometheus.MustNewConstMetric(poolInUseDesc, prometheus.GaugeValue, float64(s.InUse), s.Pool)
		ch <- prometheus.MustNewConstMetric(poolOpenDesc, prometheus.GaugeValue, float64(s.Open), s.Pool)
		ch <- prometheus.MustNewConstMetric(poolMaxDesc, prometheus.GaugeValue, float64(s.Max), s.Pool)
	}
}
