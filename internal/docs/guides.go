package docs

import (
	"fmt"

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

// guideData returns the data of a guide page's template.
func guideData(p *page, reg *rpc.Registry, set Settings, name string) any {
	switch name {
	case "jsonrpc.html":
		return protocolData(p, set)
	case "query_methods.html":
		return queryData(p, reg)
	case "authentication.html":
		return authData(p, reg, set)
	case "roles.html":
		return rolesData(p, reg)
	case "api_events.html":
		return eventsData(p, reg)
	}
	return nil
}

// protocolView is the data of the "jsonrpc.html" template.
type protocolView struct {
	Page                  *page
	Set                   Settings
	Paths                 []keyward.Path
	Current               keyward.Path
	Codes, Errnos, Limits table
	ErrorObject           string // an example error object, as JSON
	RateLimited           string // the rate limit's error reason
}

// protocolData describes the wire rules from the constants the server uses.
func protocolData(p *page, set Settings) protocolView {
	v := protocolView{Page: p, Set: set, Paths: keyward.Paths, Current: keyward.CurrentPath,
		Codes:       table{Head: []string{"code", "name", "message", "when"}},
		Errnos:      table{Head: []string{"errno", "name"}},
		ErrorObject: jsonText(rpc.ErrorObject(keyward.ErrNotAuthenticated)), RateLimited: keyward.ErrRateLimited.Reason()}
	for _, c := range rpc.ErrorCodes {
		v.Codes.Rows = append(v.Codes.Rows, []string{fmt.Sprint(c.Code), c.Name, c.Message, c.When})
	}
	for _, e := range keyward.Errnos() {
		v.Errnos.Rows = append(v.Errnos.Rows, []string{fmt.Sprint(int(e)), e.Name()})
	}
	v.Limits = table{Head: []string{"limit", "value", "on violation"}, Rows: [][]string{
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
	}}
	return v
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

// queryView is the data of the "query_methods.html" template.
type queryView struct {
	Page      *page
	Operators table
	Options   *schemaView // the options schema, nil if no query method has one
	Errors    []string
}

// queryData describes filters and options; the options table is the
// options schema the query methods validate with.
func queryData(p *page, reg *rpc.Registry) queryView {
	v := queryView{Page: p, Operators: table{Head: []string{"operator", "true when"}, Rows: operators}, Errors: filterErrors}
	if s := reg.Spec(p.Version, "core.get_jobs"); s != nil && len(s.Params) > 1 {
		opts := viewSchema(schema.FieldJSON(s.Params[1]))
		v.Options = &opts
	}
	return v
}

// authView is the data of the "authentication.html" template.
type authView struct {
	Page      *page
	Set       Settings
	Login     *schemaView // auth.login_ex's login_data, nil if the version lacks it
	Responses table
}

// responseTypes are the answers of a login call on version v.
func responseTypes(v keyward.Version) [][]string {
	if v.Before(keyward.V26_0) {
		return [][]string{
			{"SUCCESS", "logged in; user_info (unless login_options.user_info is false) and authenticator LEVEL_1"},
			{"AUTH_ERR", "any credential failure, also a correct password or key of an account without roles; it never says which"},
			{"EXPIRED", "an API key with the right secret that has expired, or was sent over an insecure transport"},
		}
	}
	return [][]string{
		{"SUCCESS", "logged in; user_info (unless login_options.user_info is false), authenticator LEVEL_1 and " +
			"reconnect_token: a single-use token for this client address when login_options.reconnect_token is true, else null"},
		{"AUTH_ERR", "any credential failure; it never says which"},
		{"EXPIRED", "an API key with the right secret that has expired, or was sent over an insecure transport"},
		{"DENIED", "a correct password or API key of an account without roles"},
	}
}

// authData describes logging in; the mechanisms are the variants of
// auth.login_ex's login_data.
func authData(p *page, reg *rpc.Registry, set Settings) authView {
	v := authView{Page: p, Set: set, Responses: table{Head: []string{"response_type", "meaning"}, Rows: responseTypes(p.Version)}}
	if s := reg.Spec(p.Version, "auth.login_ex"); s != nil {
		login := viewSchema(schema.FieldJSON(s.Params[0]))
		v.Login = &login
	}
	return v
}

// limitOrNone shows a limit's value, or "none" when it is off.
func limitOrNone(value string, off bool) string {
	if off || value == "" {
		return "none"
	}
	return value
}
