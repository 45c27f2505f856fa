package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
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
	// VsSQLite is a PostgreSQL rate divided by SQLite's in the same run.
	VsSQLite float64 `json:"vs_sqlite,omitempty"`
	// Nodes is the number of server processes a cluster case ran.
	Nodes int    `json:"nodes,omitempty"`
	Note  string `json:"note,omitempty"`
}

// Report is a whole run: the cases on SQLite (and verify, which uses no
// database), and the same cases on PostgreSQL with the cluster cases when
// the run had a database.
type Report struct {
	Machine string `json:"machine"`
	Quick   bool   `json:"quick"`
	// Load is the machine's load average at the start and at the end of
	// the run: other work on it weighs on every figure.
	Load  [2]float64       `json:"load"`
	Cases map[string]*Case `json:"cases"`
	// PostgresServer describes the PostgreSQL server; empty when the run
	// had none.
	PostgresServer string           `json:"postgres_server,omitempty"`
	Postgres       map[string]*Case `json:"postgres,omitempty"`
}

// add files each back end's cases in the report.
func (r *Report) add(backs []*backend) {
	for _, b := range backs {
		into := r.Cases
		if b.name == postgresName {
			r.Postgres = map[string]*Case{}
			into = r.Postgres
		}
		for name, c := range b.cases {
			into[name] = c
		}
	}
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

var order = []string{"verify", "login", "call", "query", "sessions", "revoke", "events", "startup",
	"cluster-revoke", "cluster-event", "cluster-login"}

// WriteTable prints the report for people: each case on every back end
// it ran on, SQLite first.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "machine: %s   quick: %v   load average: %.2f at start, %.2f at end\n", r.Machine, r.Quick, r.Load[0], r.Load[1])
	if r.PostgresServer != "" {
		fmt.Fprintf(w, "postgres: %s\n", r.PostgresServer)
	} else {
		fmt.Fprintln(w, "postgres: not run (--database URL runs every case on PostgreSQL too, and the cluster cases)")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tback end\tvalue\tbaseline\tratio\tdetails")
	for _, name := range order {
		for _, side := range []struct {
			backEnd string
			cases   map[string]*Case
		}{{sqliteName, r.Cases}, {postgresName, r.Postgres}} {
			c, ok := side.cases[name]
			if !ok {
				continue
			}
			backEnd := side.backEnd
			if name == "verify" {
				backEnd = "-"
			}
			base, ratio := "", ""
			if c.Baseline != 0 {
				base, ratio = num(c.Baseline, c.Unit), fmt.Sprintf("%.2f", c.Ratio)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, backEnd, num(c.Value, c.Unit), base, ratio, details(c))
		}
	}
	return tw.Flush()
}

// loadAverage returns the one-minute load average (0 when unknown).
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _, _ := strings.Cut(string(b), " ")
	v, _ := strconv.ParseFloat(f, 64)
	return v
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
	add("nodes", float64(c.Nodes), "%.0f")
	add("PostgreSQL/SQLite", c.VsSQLite, "%.2f")
	if c.Note != "" {
		parts = append(parts, c.Note)
	}
	return strings.Join(parts, ", ")
}
