package acceptance_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// logLine is one JSON log line.
type logLine map[string]any

func (l logLine) str(key string) string { return fmt.Sprint(l[key]) }

// parseLog splits the server's JSON log by message.
func parseLog(t *testing.T, text string) map[string][]logLine {
	t.Helper()
	out := map[string][]logLine{}
	for _, raw := range strings.Split(strings.TrimSpace(text), "\n") {
		var l logLine
		d := json.NewDecoder(strings.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&l); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", raw, err)
		}
		out[l.str("msg")] = append(out[l.str("msg")], l)
	}
	return out
}

// checkLog checks the scenario's JSON log at debug: one "call" line per
// call with nothing but method, outcome, duration and connection; one
// "login" line per login at info; one "admin action" line per audited
// call at info, naming its target; and no secret anywhere.
func checkLog(t *testing.T, srv *apptest.Server, sc *scenario) {
	t.Helper()
	text := srv.Logs()
	byMsg := parseLog(t, text)
	calls := map[[2]string]float64{}
	for _, l := range byMsg["call"] {
		keys := slices.Sorted(maps.Keys(l))
		if l.str("level") != "DEBUG" || !slices.Equal(keys, []string{"conn", "duration", "level", "method", "msg", "outcome", "time"}) {
			t.Errorf("call line: %v", l)
		}
		calls[[2]string{l.str("method"), l.str("outcome")}]++
	}
	if !maps.Equal(calls, scenarioCalls) {
		t.Errorf("call lines by method and outcome:\n%v\nwant\n%v", calls, scenarioCalls)
	}
	logins := map[[2]string]float64{}
	for _, l := range byMsg["login"] {
		if l.str("level") != "INFO" || l["username"] == nil || l["conn"] == nil || l["address"] == nil {
			t.Errorf("login line: %v", l)
		}
		logins[[2]string{l.str("mechanism"), l.str("response_type")}]++
	}
	for key, n := range scenarioLogins {
		if logins[key] != n {
			t.Errorf("login lines %v: %v, want %v", key, logins[key], n)
		}
	}
	checkActions(t, byMsg["admin action"], sc)
	sc.sw.saw("log", text)
	sc.sw.check(t)
}

// checkActions: one line per audited call, with its outcome and target.
func checkActions(t *testing.T, lines []logLine, sc *scenario) {
	t.Helper()
	var got []string
	for _, l := range lines {
		if l.str("level") != "INFO" {
			t.Errorf("admin action line: %v", l)
		}
		got = append(got, fmt.Sprintf("%s %s %v", l.str("method"), l.str("outcome"), l["target"]))
	}
	want := []string{
		"user.setup_local_administrator ok admin",
		fmt.Sprintf("api_key.create ok %d", sc.keyID),
		fmt.Sprintf("api_key.create ok %d", sc.soonID),
		fmt.Sprintf("user.create ok %d", sc.userID),
		fmt.Sprintf("privilege.create ok %d", sc.privID),
		fmt.Sprintf("user.delete EACCES %d", sc.userID),
		"user.update -32602 <nil>",
		"user.delete -32602 99999",
		fmt.Sprintf("api_key.create ok %d", sc.evID),
		fmt.Sprintf("api_key.delete ok %d", sc.evID),
	}
	if !slices.Equal(got, want) {
		t.Errorf("admin action lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
