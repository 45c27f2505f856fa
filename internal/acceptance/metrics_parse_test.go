package acceptance_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/keyward/keyward/internal/apptest"
)

// families are parsed metric families by name.
type families map[string]*dto.MetricFamily

// value returns the value of the series with exactly the given labels
// (name, value pairs): a counter's or gauge's value, a histogram's count.
func (f families) value(name string, labels ...string) float64 {
	for _, m := range f[name].GetMetric() {
		if len(m.GetLabel())*2 != len(labels) {
			continue
		}
		match := true
		for _, l := range m.GetLabel() {
			if v, ok := pairValue(labels, l.GetName()); !ok || v != l.GetValue() {
				match = false
			}
		}
		if match {
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue()
			case m.Gauge != nil:
				return m.GetGauge().GetValue()
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return -1
}

func pairValue(pairs []string, name string) (string, bool) {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == name {
			return pairs[i+1], true
		}
	}
	return "", false
}

// nonZeroCalls returns every non-zero keyward_calls_total series.
func nonZeroCalls(f families) map[[2]string]float64 {
	out := map[[2]string]float64{}
	for _, m := range f["keyward_calls_total"].GetMetric() {
		if v := m.GetCounter().GetValue(); v != 0 {
			method, _ := labelValue(m, "method")
			outcome, _ := labelValue(m, "outcome")
			out[[2]string{method, outcome}] = v
		}
	}
	return out
}

func labelValue(m *dto.Metric, name string) (string, bool) {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue(), true
		}
	}
	return "", false
}

// scrape GETs a metrics URL and parses the text format.
func scrape(t *testing.T, url string) (families, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("parse %s: %v", url, err)
	}
	return fams, string(body)
}

// scrapeEventually scrapes until ready holds (events are delivered
// asynchronously), for at most apptest.Timeout.
func scrapeEventually(t *testing.T, url string, ready func(families) bool) (families, string) {
	t.Helper()
	deadline := time.Now().Add(apptest.Timeout)
	for {
		fams, body := scrape(t, url)
		if ready(fams) || time.Now().After(deadline) {
			return fams, body
		}
		time.Sleep(20 * time.Millisecond)
	}
}
