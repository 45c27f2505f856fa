package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	feedLagDesc = prometheus.NewDesc("keyward_change_feed_lag_seconds",
		"Seconds since this node last confirmed that it has seen every committed change (cluster.md 4).", nil, nil)
	feedDownDesc = prometheus.NewDesc("keyward_change_feed_unconfirmed",
		"1 while this node fails closed because it cannot confirm the change log within revocation_max_lag, else 0.", nil, nil)
)

// Feed is a collector of the change feed's state, read when scraped. Lag
// and Confirmed are usually the service's FeedLag and Confirmed methods.
type Feed struct {
	Lag       func() time.Duration
	Confirmed func() error
}

// Describe sends the descriptors of the two gauges.
func (f Feed) Describe(ch chan<- *prometheus.Desc) {
	ch <- feedLagDesc
	ch <- feedDownDesc
}

// Collect reads and sends the gauges.
func (f Feed) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(feedLagDesc, prometheus.GaugeValue, f.Lag().Seconds())
	down := 0.0
	if f.Confirmed() != nil {
		down = 1
	}
	ch <- prometheus.MustNewConstMetric(feedDownDesc, prometheus.GaugeValue, down)
}
