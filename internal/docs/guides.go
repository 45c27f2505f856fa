package docs

import (
	"fmt"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

// Settings are the server's settings the guides quote.
type Settings struct {
	LoginFailDelay string // e.g. "1s-2s"
	RateLimitCalls int
	RateLimitWindow,
	RateLimitDelay,
	RateLimitExempt string
	SessionMaxAge, SessionIdleTimeout string
	// AuthTimeout (e.g. "1m0s", "0s" for none), MaxUnauthenticated (0 for
	// none) and AllowedOrigins (comma-separated) are the limits on
	// connections before login.
	AuthTimeout        string
	MaxUnauthenticated int
	AllowedOrigins     string
}

// protocolPage renders the wire rules from the constants the server uses.
func protocolPage(p *page, set Settings) {
	p.raw("<h1>JSON-RPC protocol</h1><h2>Endpoints</h2>")
	var vs []string
	for _, v := range keyward.Versions {
		vs = append(vs, "<code>/api/"+esc(string(v))+"</code>")
	}
	p.printf("<p>WebSocket endpoints: %s and <code>/api/current</code> (= <code>%s</code>). "+
		"The version is chosen only by the URL. <code>GET /api/versions</code> lists the versions. No cookies: "+
		"a connection is authenticated by a login call on it.</p>", strings.Join(vs, ", "), esc(string(keyward.Current)))
	allowed := "none"
	if set.AllowedOrigins != "" {
		allowed = "<code>" + esc(set.AllowedOrigins) + "</code>"
	}
	p.printf(`<p>The upgrade's <code>Origin</code> header is checked, so that a page of another site cannot use the
server from a browser: no <code>Origin</code> (clients that are not browsers), the server's own origin as the browser saw it
(scheme, host and port; behind a trusted proxy, from its <code>X-Forwarded-Proto</code> and <code>X-Forwarded-Host</code>) or
one of the allowed origins (%s) is accepted; anything else gets HTTP 403 before the upgrade.</p>`, allowed)
	p.raw(`<h2>Requests and responses</h2><p>Each text message is one request object; <code>params</code> is a list of
positional arguments (absent means <code>[]</code>); ids may be null, strings, integers or booleans and are echoed as sent.
Responses may arrive out of order. A request without <code>id</code> is a notification: it runs and nothing is answered.
Batches (JSON arrays) are refused.</p>`)
	p.code(`{"jsonrpc": "2.0", "id": 1, "method": "api_key.query", "params": [[["revoked", "=", false]], {"limit": 10}]}
{"jsonrpc": "2.0", "result": [...], "id": 1}`)
	p.raw("<h2>Error codes</h2>")
	var rows [][]string
	for _, c := range rpc.ErrorCodes {
		rows = append(rows, []string{fmt.Sprint(c.Code), c.Name, c.Message, c.When})
	}
	p.table([]string{"code", "name", "message", "when"}, rows)
	p.raw(`<h2>The data object</h2><p><code>error</code> (errno), <code>errname</code>, <code>reason</code>
(<code>[ERRNAME] message</code>; validation errors: one line per triple), <code>trace</code> (always null) and
<code>extra</code> (validation errors: <code>[attribute, message, errno]</code> triples).</p>`)
	p.code(jsonText(rpc.ErrorObject(keyward.ErrNotAuthenticated)))
	rows = nil
	for _, e := range keyward.Errnos() {
		rows = append(rows, []string{fmt.Sprint(int(e)), e.Name()})
	}
	p.raw("<h3>errno values</h3>")
	p.table([]string{"errno", "name"}, rows)
	p.raw(`<h2>Extended JSON</h2><p>Date-times are <code>{"$date": milliseconds}</code> both ways (whole seconds in
results); <code>{"$set": [...]}</code>, <code>{"$time": "HH:MM:SS"}</code>, <code>{"$type": "date", "$value": "YYYY-MM-DD"}</code>
are decoded too. A malformed one fails with -32700 <code>Error parsing $date: ...</code>.</p>`)
	p.raw("<h2>Limits</h2>")
	p.table([]string{"limit", "value", "on violation"}, [][]string{
		{"message length before login", fmt.Sprintf("%d characters", rpc.MaxAnonymousChars), "close 1007 Anonymous connection max message length is 8 kB"},
		{"message length after login", fmt.Sprintf("%d characters", rpc.MaxAuthorizedChars), "close 1009 Max message length is 64 kB"},
		{"any message", fmt.Sprintf("%d bytes", rpc.MaxMessageBytes), "close 1009 Max message length is 64 kB"},
		{"binary frames", "never", "close 1003"},
		{"calls running per connection", fmt.Sprint(rpc.MaxCallsRunning), "further calls wait in arrival order"},
		{"calls in flight per connection", fmt.Sprint(rpc.MaxCallsInFlight), "-32000, at once"},
		{"outgoing bytes queued per connection", fmt.Sprint(rpc.MaxQueuedBytes), "close 1008 Client too slow"},
		{"time to log in after connecting", limitOrNone(set.AuthTimeout, set.AuthTimeout == "0s"),
			"close 1008 Authentication timeout (a login running then is answered first)"},
		{"connections not logged in per client address (IPv6: per /64)", limitOrNone(fmt.Sprint(set.MaxUnauthenticated), set.MaxUnauthenticated == 0),
			"HTTP 429 before the upgrade; the rate limit's exempt addresses and the unix socket are not counted"},
	})
	p.printf(`<h2>Rate limit</h2><p>Methods callable before login, called on a connection not yet logged in, and every
login call, also on a connection that is logged in: %d calls per budget and client address (an IPv6 address by its /64)
per %s (0 turns it off), then <code>%s</code> after a random delay of %s. All login methods share one budget; every
other method has its own. Exempt: %s. <code>core.set_options</code> is never limited.</p>`, set.RateLimitCalls, esc(set.RateLimitWindow),
		esc(keyward.ErrRateLimited.Reason()), esc(set.RateLimitDelay), esc(set.RateLimitExempt))
	p.raw(`<h2>Notifications</h2><p>Events arrive as <code>collection_update</code> notifications (no id) with
<code>msg</code>, <code>collection</code>, <code>id</code> and <code>fields</code>; a subscription the server ends is reported by
<code>notify_unsubscribed</code>. See `)
	p.a("api_events.html", "events")
	p.raw(".</p>")
}

var operators = [][]string{
	{"=, !=", "equal / not equal (deep JSON equality; different types are never equal)"},
	{">, >=, <, <=", "ordering of numbers, strings (code points) or date-times; other pairs are false"},
	{"~", "regular expression (RE2) matching at the start of the value"},
	{"in, nin", "value is / is not in the list, or a substring of the string"},
	{"rin, rnin", "the list or string value contains / does not contain the filter value"},
	{"^, !^", "string starts / does not start with"},
	{"$, !$", "string ends / does not end with"},
	{"C=, C!=, C>, C>=, C<, C<=, Cin, Cnin, Crin, Crnin, C^, C!^, C$, C!$", "the same after simple case folding"},
}

var filterErrors = []string{
	"Value error, Invalid filter <element>", "Value error, Invalid operation: <op>",
	"Value error, Invalid case-insensitive operation: C~", "Value error, OR filter requires at least one branch.",
	"Value error, query-filters max recursion depth exceeded", "Value error, <op>: invalid timestamp operation.",
	"Value error, <value>: must be an ISO-8601 formatted timestamp string", "Value error, Invalid regular expression: <pattern>",
	"Value error, Invalid options combination. `get` implies a single result.", "Value error, Selecting by list index is not supported",
	"Value error, Invalid order_by: <item>", "Input should be less than or equal to 10000",
	"Input should be greater than or equal to 0", "Extra inputs are not permitted",
	// Keyward's own bounds (docs/DECISIONS.md).
	fmt.Sprintf("Value error, Invalid regular expression: <pattern> (the regular expressions of one filter may compile to at most %d instructions together)",
		query.MaxRegexProgram),
	fmt.Sprintf("Value error, order_by may name at most %d different fields", query.MaxOrderFields),
}

// queryPage documents filters and options; the options table is the
// options schema the query methods validate with.
func queryPage(p *page, reg *rpc.Registry) {
	p.raw(`<h1>Query methods</h1><p>Query methods take <code>filters</code> (default <code>[]</code>) and
<code>options</code> (default <code>{}</code>) and return a list, one entry (<code>get</code>) or a count (<code>count</code>).
Filters and sorting see entries as the caller receives them (secrets redacted).</p><h2>Filters</h2>`)
	p.code(`filters := [ cond, ... ]                  all must hold
cond    := [ field, op, value ] | [ "OR", [ branch, ... ] ]
branch  := cond | [ cond, cond, ... ]      a list of conds is an AND group; ORs nest at most 3 deep`)
	p.raw(`<p>Fields are dot paths (<code>a.b</code>, <code>a\.b</code> for a key with a dot, <code>list.0</code>, <code>list.*.name</code>).
A path that does not resolve makes the condition false for every operator. <code>field.$date</code> compares a date-time with an
ISO-8601 string or <code>{"$date": ms}</code>.</p>`)
	p.table([]string{"operator", "true when"}, operators)
	p.code(`[["OR", [["name", "^", "ci-"], [["revoked", "=", true], ["expires_at", "!=", null]]]], ["username", "C=", "ADMIN"]]`)
	p.raw("<h2>Options</h2>")
	if s := reg.Spec(p.v, "core.get_jobs"); s != nil && len(s.Params) > 1 {
		p.raw(string(schemaBlock(viewSchema(schema.FieldJSON(s.Params[1])))))
	}
	p.raw(`<p>Order of processing: filter, count, order, offset, limit, get, select. The first <code>order_by</code> key is the
primary one; <code>-</code> sorts descending, <code>nulls_first:</code> / <code>nulls_last:</code> place nulls.</p>`)
	p.code(`[[["revoked", "=", false]], {"order_by": ["-created_at"], "offset": 0, "limit": 50, "select": ["id", "name", ["username", "owner"]]}]`)
	p.raw("<h2>Errors</h2><p>All are -32602 at attribute <code>filters</code> or <code>options</code>:</p><ul>")
	for _, e := range filterErrors {
		p.printf("<li><code>%s</code></li>", esc(e))
	}
	p.raw("</ul>")
}

// authPage documents logging in; the mechanisms are the variants of
// auth.login_ex's login_data.
func authPage(p *page, reg *rpc.Registry, set Settings) {
	p.raw(`<h1>Authentication</h1><p>A connection is authenticated by a login call on it; methods that need a login answer
<code>[ENOTAUTHENTICATED] Not authenticated</code> (errno 207) before.</p><h2>auth.login_ex</h2>`)
	if s := reg.Spec(p.v, "auth.login_ex"); s != nil {
		p.raw(string(schemaBlock(viewSchema(schema.FieldJSON(s.Params[0])))))
	}
	p.code(`{"jsonrpc": "2.0", "id": 1, "method": "auth.login_ex", "params": [{"mechanism": "API_KEY_PLAIN", "username": "svc", "api_key": "7-..."}]}`)
	p.table([]string{"response_type", "meaning"}, [][]string{
		{"SUCCESS", "logged in; user_info (unless login_options.user_info is false) and authenticator LEVEL_1"},
		{"AUTH_ERR", "any credential failure; it never says which"},
		{"EXPIRED", "an API key with the right secret that has expired, or was sent over an insecure transport"},
	})
	p.printf(`<p>Every failed answer waits a random delay of %s on that call only; login calls of one connection run one at a
time. A correct API key sent over an insecure transport (plain ws:// from another host) is revoked.</p>`, esc(set.LoginFailDelay))
	p.printf(`<h2>Tokens</h2><p><code>auth.generate_token</code> makes a 64-character token for <code>TOKEN_PLAIN</code> logins,
valid while unused for less than its TTL; tokens live in memory. Sessions end after %s (max age) and after %s without calls
(0: never), and when their key or user is invalidated.</p>`, esc(set.SessionMaxAge), esc(set.SessionIdleTimeout))
}

// limitOrNone shows a limit's value, or "none" when it is off.
func limitOrNone(value string, off bool) string {
	if off || value == "" {
		return "none"
	}
	return value
}
