package acceptance_test

import (
	"fmt"
	"strings"
)

// list joins n copies of item, with %d replaced by the index.
func list(item string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strings.ReplaceAll(item, "%d", fmt.Sprint(i))
	}
	return strings.Join(parts, ",")
}

const regexBudget = " (the regular expressions of one filter may compile to at most 4096 instructions together)"

func keyQuery(filters, options string) string { return call("api_key.query", filters, options) }

// queryHostileCases: bad and huge filters and options (protocol.md 11).
// A flat list of 10,000 conditions does not fit in a 64 kB message (each
// takes at least 12 characters); the largest that fit are sent here, and
// internal/query tests 10,000 and more.
func queryHostileCases() []hostileCase {
	cases := []hostileCase{
		badParams("filters: object", keyQuery(`{}`, `{}`), "filters: Input should be a valid list"),
		badParams("filters: string", keyQuery(`"id"`, `{}`), "filters: Input should be a valid list"),
		badParams("options: list", keyQuery(`[]`, `[]`), "options: Input should be a valid dictionary"),
		badParams("query: three arguments", keyQuery(`[]`, `{}`)[:len(keyQuery(`[]`, `{}`))-2]+`,5]}`, ": Too many arguments (expected 2, found 3)"),
		badParams("filter: unknown operator", keyQuery(`[["id","~~",1]]`, `{}`), "filters: Value error, Invalid operation: ~~"),
		badParams("filter: operator not a string", keyQuery(`[["id",null,1]]`, `{}`), "filters: Value error, Invalid operation: null"),
		badParams("filter: four elements", keyQuery(`[["id","=",1,2]]`, `{}`), `filters: Value error, Invalid filter ["id","=",1,2]`),
		badParams("filter: OR nested four deep", keyQuery(`[["OR",[["OR",[["OR",[["OR",[["id","=",1]]]]]]]]]]`, `{}`),
			"filters: Value error, query-filters max recursion depth exceeded"),
		badParams("filter: empty OR", keyQuery(`[["OR",[]]]`, `{}`), "filters: Value error, OR filter requires at least one branch."),
		badParams("filter: bad $date value", keyQuery(`[["created_at.$date",">","yesterday"]]`, `{}`),
			`filters: Value error, "yesterday": must be an ISO-8601 formatted timestamp string`),
		badParams("filter: bad element after 3500 good ones", keyQuery(`[`+list(`["id","!=",%d]`, 3500)+`,["id"]]`, `{}`), `filters: Value error, Invalid filter ["id"]`),
		okResult("filter: flat AND of 3500 conditions", keyQuery(`[`+list(`["id","!=",%d]`, 3500)+`]`, `{"count":true}`), "0"),
		okResult("filter: AND of 2500 prefix conditions", keyQuery(`[`+list(`["name","!^","z%d"]`, 2500)+`]`, `{"count":true}`), "3"),
		okResult("filter: OR of 3500 branches", keyQuery(`[["OR",[`+list(`["id","=",%d]`, 3500)+`]]]`, `{"count":true}`), "3"),
		okResult("filter: OR of 1400 AND groups", keyQuery(`[["OR",[`+list(`[["id",">",%d],["revoked","=",false]]`, 1400)+`]]]`, `{"count":true}`), "3"),
		okResult("filter: in with 10000 values", keyQuery(`[["id","in",[`+list(`%d`, 10000)+`]]]`, `{"count":true}`), "3"),
		okResult("filter: nin with 10000 values", keyQuery(`[["id","nin",[`+list(`%d`, 10000)+`]]]`, `{"count":true}`), "0"),
		okResult("filter: Cin with 3500 strings", keyQuery(`[["name","Cin",[`+list(`"HOSTILE-%d"`, 3500)+`]]]`, `{"count":true}`), "3"),
		okResult("filter: in with 30000 duplicates", keyQuery(`[["id","in",[`+strings.Repeat("1,", 30000)+`1]]]`, `{"count":true}`), "1"),
		okResult("filter: missing field 2800 times", keyQuery(`[`+list(`["nope%d","=",1]`, 2800)+`]`, `{"count":true}`), "0"),
		okResult("filter: NUL in values", keyQuery(`[["name","=","a\u0000b"],["name","^","\u0000"]]`, `{}`), "[]"),
		okResult("filter: huge numbers", keyQuery(`[["id","<",1e308],["id",">",-1e400],["id","!=",123456789012345678901234567890]]`, `{"count":true}`), "3"),
		okResult("audit: 1500 conditions on JSON fields", call("audit.query", `{"query-filters":[`+list(`["event_data.params.*","!=","v%d"]`, 1500)+`],"query-options":{"count":true}}`), ""),
		okResult("sessions: 3000 conditions in memory", call("auth.sessions", `[`+list(`["id","!=","s%d"]`, 3000)+`]`, `{"count":true}`), "2"),
		badParams("sessions: regex over RE2 limits", call("auth.sessions", `[["id","~","a{1001}"]]`), `filters: Value error, Invalid regular expression: "a{1001}"`),
		okResult("get_jobs: in with 10000 values", call("core.get_jobs", `[["id","in",[`+list(`%d`, 10000)+`]]]`), "[]"),
		okResult("roles: OR of 3000 branches in memory", call("privilege.roles", `[["OR",[`+list(`["name","=","R%d"]`, 3000)+`]]]`, `{"count":true}`), "0"),
		badParams("options: limit -1", keyQuery(`[]`, `{"limit":-1}`), "options.limit: Input should be greater than or equal to 0"),
		badParams("options: limit 10001", keyQuery(`[]`, `{"limit":10001}`), "options.limit: Input should be less than or equal to 10000"),
		badParams("options: limit 1e3", keyQuery(`[]`, `{"limit":1e3}`), "options.limit: Input should be a valid integer"),
		badParams("options: limit string", keyQuery(`[]`, `{"limit":"5"}`), "options.limit: Input should be a valid integer"),
		badParams("options: limit over int64", keyQuery(`[]`, `{"limit":9223372036854775808}`), "options.limit: Input should be a valid integer"),
		badParams("options: offset negative", keyQuery(`[]`, `{"offset":-9223372036854775808}`), "options.offset: Input should be greater than or equal to 0"),
		okResult("options: offset max int64", keyQuery(`[]`, `{"offset":9223372036854775807,"limit":10000}`), "[]"),
		badParams("options: count string", keyQuery(`[]`, `{"count":"yes"}`), "options.count: Input should be a valid boolean"),
		badParams("options: get with limit", keyQuery(`[]`, `{"get":true,"limit":2}`), "options: Value error, Invalid options combination. `get` implies a single result."),
		callErr("options: get without match", keyQuery(`[["id","=",-1]]`, `{"get":true}`), 22, "MatchNotFound()"),
		badParams("options: unknown key", keyQuery(`[]`, `{"extend":"x"}`), "options.extend: Extra inputs are not permitted"),
		okResult("options: v25.04.0 extend", keyQuery(`[]`, `{"extend":"x","count":true}`), "3").on("v25.04.0"),
		badParams("options: order_by 101 fields", keyQuery(`[]`, `{"order_by":[`+list(`"f%d"`, 101)+`]}`), "options: Value error, order_by may name at most 100 different fields"),
		okResult("options: order_by 10000 times the same", keyQuery(`[]`, `{"order_by":["-id",`+list(`"id"`, 10000)+`],"select":["id"],"limit":1}`), `[{"id":3}]`),
		badParams("options: order_by empty field", keyQuery(`[]`, `{"order_by":["nulls_first:-"]}`), `options: Value error, Invalid order_by: "nulls_first:-"`),
		okResult("options: select 3500 fields", keyQuery(`[]`, `{"select":[`+list(`["name","a%d"]`, 3500)+`],"get":true}`), ""),
		badParams("options: select index", keyQuery(`[]`, `{"select":["name.0"]}`), "options: Value error, Selecting by list index is not supported"),
		badParams("options: select item object", keyQuery(`[]`, `{"select":[{}]}`), "options.select.0: Input should be a valid string"),
		badParams("options: order_by item number", keyQuery(`[]`, `{"order_by":[5]}`), "options.order_by.0: Input should be a valid string"),
	}
	for i := range cases {
		cases[i].auth = true
	}
	return cases
}

// regexCases: the ~ operator runs on RE2 with a bound on the program
// size of a filter's patterns (docs/DECISIONS.md).
func regexCases() []hostileCase {
	re := func(pattern string) string { return keyQuery(`[["name","~",`+pattern+`]]`, `{"count":true}`) }
	invalid := func(pattern string) string { return "filters: Value error, Invalid regular expression: " + pattern }
	alternation := `"(?:` + list(`k%d`, 200) + `){1000}"`
	cases := []hostileCase{
		okResult("regex: nested stars", re(`"(a*)*$"`), "0"),
		okResult("regex: nested pluses", re(`"(x+x+)+y"`), "0"),
		okResult("regex: star repeated 1000 times", re(`"(?:.*){1000}z"`), "0"),
		okResult("regex: inline flag", re(`"(?i)HOSTILE-"`), "3"),
		okResult("regex: 1024 characters", re(`"`+strings.Repeat("h", 1024)+`"`), "0"),
		badParams("regex: 1025 characters", re(`"`+strings.Repeat("h", 1025)+`"`), invalid(`"`+strings.Repeat("h", 1025)+`"`)),
		badParams("regex: repeat over 1000", re(`"a{1001}"`), invalid(`"a{1001}"`)),
		badParams("regex: repeat of repeat", re(`"a{1000}{1000}"`), invalid(`"a{1000}{1000}"`)),
		badParams("regex: nested repeats", re(`"(a{1000}){1000}"`), invalid(`"(a{1000}){1000}"`)),
		badParams("regex: deep groups", re(`"`+strings.Repeat("(", 1001)+strings.Repeat(")", 1001)+`"`), "filters: Value error, Invalid regular expression: "),
		badParams("regex: program over the budget", re(alternation), invalid(alternation)+regexBudget),
		badParams("regex: budget shared by conditions", keyQuery(`[`+list(`["name","~","[a-z]{1000}"]`, 5)+`]`, `{}`), invalid(`"[a-z]{1000}"`)+regexBudget),
		badParams("regex: 4100 small patterns", keyQuery(`[`+list(`["id","~","h"]`, 4100)+`]`, `{}`), invalid(`"h"`)+regexBudget),
		okResult("regex: 1000 small patterns", keyQuery(`[`+list(`["name","~","h%d"]`, 1000)+`]`, `{"count":true}`), "0"),
		badParams("regex: look-behind", re(`"(?<=a)b"`), invalid(`"(?<=a)b"`)),
		badParams("regex: back-reference", re(`"(a)\\1"`), invalid(`"(a)\\1"`)),
		badParams("regex: unknown class", re(`"\\p{Nope}"`), invalid(`"\\p{Nope}"`)),
		badParams("regex: open bracket", re(`"["`), invalid(`"["`)),
		badParams("regex: unbalanced parenthesis", re(`"a)|(b"`), invalid(`"a)|(b"`)),
		badParams("regex: number", re(`5`), invalid(`5`)),
		badParams("regex: null", re(`null`), invalid(`null`)),
		badParams("regex: case-insensitive operator", keyQuery(`[["name","C~","a"]]`, `{}`), "filters: Value error, Invalid case-insensitive operation: C~"),
		okResult("regex: NUL in pattern", re(`"\u0000"`), "0"),
	}
	for i := range cases {
		cases[i].auth = true
	}
	return cases
}
