package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
)

// Case is one measured result, in the JSON shape docs/PERFORMANCE.md
// shows. Fields that do not apply stay empty.
type Case struct {
	Value       float64 `json:"value"`
	Unit        string  `json:"unit"`
	Baseline    float64 `json:"baseline,omitempty"`
	Ratio       float64 `json:"ratio,omitempty"`
	P50ms       float64 `json:"p50_ms,omitempty"`
	P99ms       float64 `json:"p99_ms,omitempty"`
	CountP99ms  float64 `json:"count_p99_ms,omitempty"`
	Keys        int     `json:"keys,omitempty"`
	Sessions    int     `json:"sessions,omitempty"`
	Subscribers int     `json:"subscribers,omitempty"`
	RSSMiB      float64 `json:"rss_mib,omitempty"`
	LoginMs     float64 `json:"login_ms,omitempty"`
	Note        string  `json:"note,omitempty"`
}

// Report is a whole run.
type Report struct {
	Machine string           `json:"machine"`
	Quick   bool             `json:"quick"`
	Cases   map[string]*Case `json:"cases"`
}

// machine names the machine the run is on.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs, %s/%s, %s", model, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// WriteJSON writes the report as JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

var order = []string{"verify", "login", "call", "query", "sessions", "revoke", "events", "startup"}

// WriteTable prints the report for people.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "machine: %s   quick: %v\n", r.Machine, r.Quick)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tvalue\tbaseline\tratio\tdetails")
	for _, name := range order {
		c, ok := r.Cases[name]
		if !ok {
			continue
		}
		base, ratio := "", ""
		if c.Baseline != 0 {
			base, ratio = num(c.Baseline, c.Unit), fmt.Sprintf("%.2f", c.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, num(c.Value, c.Unit), base, ratio, details(c))
	}
	return tw.Flush()
}

func num(v float64, unit string) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.0f %s", v, unit)
	case v >= 10:
		return fmt.Sprintf("%.1f %s", v, unit)
	}
	return fmt.Sprintf("%.3f %s", v, unit)
}

func details(c *Case) string {
	var parts []string
	add := func(label string, v float64, format string) {
		if v != 0 {
			parts = append(parts, fmt.Sprintf("%s "+format, label, v))
		}
	}
	add("p50", c.P50ms, "%.2f ms")
	add("p99", c.P99ms, "%.2f ms")
	add("count p99", c.CountP99ms, "%.2f ms")
	add("keys", float64(c.Keys), "%.0f")
	add("sessions", float64(c.Sessions), "%.0f")
	add("subscribers", float64(c.Subscribers), "%.0f")
	add("rss", c.RSSMiB, "%.1f MiB")
	add("new login refused", c.LoginMs, "%.2f ms")
	if c.Note != "" {
		parts = append(parts, c.Note)
	}
	return strings.Join(parts, ", ")
}
