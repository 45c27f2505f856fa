package acceptance_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// servedPaths are the paths of versions.md section 4 with the shape each
// serves: the 25.04 and 25.10 point releases are aliases.
var servedPaths = []struct{ path, shape string }{
	{"v25.04.0", "v25.04.0"}, {"v25.04.1", "v25.04.0"}, {"v25.04.2", "v25.04.0"},
	{"v25.10.0", "v25.10.0"}, {"v25.10.1", "v25.10.0"}, {"v25.10.2", "v25.10.0"},
	{"v25.10.3", "v25.10.0"}, {"v25.10.4", "v25.10.0"}, {"v25.10.5", "v25.10.0"},
	{"v26.0.0", "v26.0.0"},
}

// TestVersionPathsServed (versions.md 4): /api/versions lists every path
// in order and only them; each path upgrades to a JSON-RPC connection that
// answers with its shape version (core.ping before login and
// core.set_options differ between 25.04 and later), and system.version
// is the same on every path. current is v26.0.0.
func TestVersionPathsServed(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	var listed []string
	if err := json.Unmarshal([]byte(get(t, srv.URL("/api/versions"))), &listed); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range servedPaths {
		want = append(want, p.path)
	}
	if strings.Join(listed, " ") != strings.Join(want, " ") {
		t.Fatalf("/api/versions %v, want %v", listed, want)
	}
	for _, p := range append(servedPaths, struct{ path, shape string }{"current", "v26.0.0"}) {
		t.Run(p.path, func(t *testing.T) {
			t.Parallel()
			c := apptest.MustDial(t, srv.WSURL(p.path))
			ping := c.Call("core.ping")
			opts := c.Call("core.set_options", map[string]any{"legacy_jobs": false})
			if p.shape == "v25.04.0" {
				if apptest.Errno(ping) != 207 || opts["result"] != nil || opts["error"] != nil {
					t.Fatalf("a 25.04 path: ping %s, set_options %s", apptest.String(ping), apptest.String(opts))
				}
			} else if ping["result"] != "pong" || apptest.String(opts["result"]) != `{"legacy_jobs":false,"private_methods":false,"py_exceptions":false}` {
				t.Fatalf("ping %s, set_options %s", apptest.String(ping), apptest.String(opts))
			}
			c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
			if v := c.MustResult("system.version"); v != "Keyward-26.0.0-0.1.0" {
				t.Fatalf("system.version %v", v)
			}
			if c.MustResult("core.ping") != "pong" {
				t.Fatal("ping after login")
			}
		})
	}
}

// TestVersionPathsDocumented: each path has its docs index, naming
// itself, and an OpenRPC document naming it as version and server.
func TestVersionPathsDocumented(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	for _, p := range servedPaths {
		if index := get(t, srv.URL("/api/docs/"+p.path+"/")); !strings.Contains(index, "<h1>Keyward API "+p.path+"</h1>") {
			t.Errorf("%s: the docs index does not name it", p.path)
		}
		var doc struct {
			Info    struct{ Version string }
			Servers []struct{ URL string }
		}
		if err := json.Unmarshal([]byte(get(t, srv.URL("/api/docs/"+p.path+"/openrpc.json"))), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Info.Version != p.path || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/"+p.path {
			t.Errorf("%s: OpenRPC names %q at %v", p.path, doc.Info.Version, doc.Servers)
		}
	}
	if index := get(t, srv.URL("/api/docs/current/")); !strings.Contains(index, "<h1>Keyward API v26.0.0</h1>") {
		t.Error("the current docs are not v26.0.0's")
	}
}

// TestV26MechanismChoices (versions.md 2.5, scram.md S3): SCRAM is listed
// on v26.0.0 only.
func TestV26MechanismChoices(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	for _, p := range append(servedPaths, struct{ path, shape string }{"current", "v26.0.0"}) {
		want := `["API_KEY_PLAIN","TOKEN_PLAIN","PASSWORD_PLAIN"]`
		if p.shape == "v26.0.0" {
			want = `["API_KEY_PLAIN","TOKEN_PLAIN","PASSWORD_PLAIN","SCRAM"]`
		}
		if got := apptest.String(apptest.MustDial(t, srv.WSURL(p.path)).MustResult("auth.mechanism_choices")); got != want {
			t.Errorf("%s: %s, want %s", p.path, got, want)
		}
	}
}

// TestAuditQueryRules (versions.md 2.4 row 25.10.1 and decision 1): on
// every path the default service is MIDDLEWARE alone, several services are
// refused, a limit, count or get is required, and select items must name
// record fields; the record-field check comes after the others.
func TestAuditQueryRules(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	for _, path := range []string{"v25.04.0", "v25.10.0", "v25.10.5", "v26.0.0"} {
		c := apptest.MustDial(t, srv.WSURL(path))
		c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		for _, tc := range []struct {
			name  string
			data  map[string]any
			extra string
		}{
			{"two services", map[string]any{"services": []any{"MIDDLEWARE", "SUDO"}, "query-options": map[string]any{"count": true}},
				`[["audit.query.services","Querying more than one audit database in a single request is not supported",22]]`},
			{"no options", map[string]any{},
				`[["audit.query.query-options","query-options must be set to either gather row count or contain a limit on the rows returned.",22]]`},
			{"limit 0", map[string]any{"query-options": map[string]any{"limit": 0, "count": false}},
				`[["audit.query.query-options","query-options must be set to either gather row count or contain a limit on the rows returned.",22]]`},
			{"services first", map[string]any{"services": []any{"SMB", "SUDO"}},
				`[["audit.query.services","Querying more than one audit database in a single request is not supported",22]]`},
			{"unknown columns", map[string]any{"query-options": map[string]any{"limit": 5,
				"select": []any{"event", "nope", []any{"nada", "x"}, "event_data.method", "evento.x"}}},
				`[["audit.query.query-options.select.1","nope: column does not exist",22],` +
					`["audit.query.query-options.select.2","nada: column does not exist",22],` +
					`["audit.query.query-options.select.4","evento.x: column does not exist",22]]`},
		} {
			r := c.Call("audit.query", tc.data)
			if apptest.Code(r) != -32602 || apptest.Extra(r) != tc.extra {
				t.Errorf("%s %s: %s", path, tc.name, apptest.String(r))
			}
		}
		recs, _ := c.MustResult("audit.query", map[string]any{"query-options": map[string]any{"limit": 2,
			"select": []any{"service", []any{"event", "what"}}}}).([]any)
		if len(recs) != 2 || apptest.String(recs[0]) != `{"service":"MIDDLEWARE","what":"METHOD_CALL"}` {
			t.Errorf("%s: default service, limit, select: %s", path, apptest.String(recs))
		}
		if one := c.MustResult("audit.query", map[string]any{"query-options": map[string]any{"get": true}}); apptest.String(one) == "null" {
			t.Errorf("%s: get", path)
		}
		if n := c.MustResult("audit.query", map[string]any{"services": []any{"SUDO"}, "query-options": map[string]any{"count": true}}); apptest.String(n) != "0" {
			t.Errorf("%s: SUDO count %v", path, n)
		}
	}
}
