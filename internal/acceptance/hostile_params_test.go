package acceptance_test

import (
	"strings"
)

const setOptionsDefaults = `{"legacy_jobs":true,"private_methods":false,"py_exceptions":false}`

// ejsonCases: malformed ejson objects fail at parsing, look-alikes are
// ordinary objects, and decoded forms are never accepted where a
// parameter wants another type (protocol.md 4).
func ejsonCases() []hostileCase {
	opts := func(v string) string { return call("core.set_options", v) }
	create := func(expires string) string {
		return call("api_key.create", `{"name":"e","username":"admin","expires_at":`+expires+`}`)
	}
	return []hostileCase{
		parseErr("$date string", opts(`{"$date":"soon"}`), "Error parsing $date: "),
		parseErr("$date null", opts(`{"$date":null}`), "Error parsing $date: "),
		parseErr("$date list", opts(`{"$date":[1]}`), "Error parsing $date: "),
		parseErr("$date 1e400", opts(`{"$date":1e400}`), "Error parsing $date: "),
		parseErr("$date 20 digits", opts(`{"$date":99999999999999999999}`), "Error parsing $date: "),
		parseErr("$date year 10000", opts(`{"$date":253402300800000}`), "Error parsing $date: "),
		parseErr("$date before year 1", opts(`{"$date":-62135596800001}`), "Error parsing $date: "),
		parseErr("$date deep inside params", call("core.set_options", strings.Repeat("[", 60)+`{"$date":true}`+strings.Repeat("]", 60)), "Error parsing $date: "),
		parseErr("$date in a notification is still a parse error", `{"jsonrpc":"2.0","method":"core.ping","params":[{"$date":"x"}]}`, "Error parsing $date: "),
		parseErr("$time 25:99", opts(`{"$time":"25:99"}`), "Error parsing $time: "),
		parseErr("$time minute 60", opts(`{"$time":"12:60"}`), "Error parsing $time: "),
		parseErr("$time five parts", opts(`{"$time":"1:2:3:4:5"}`), "Error parsing $time: "),
		parseErr("$time number", opts(`{"$time":5}`), "Error parsing $time: "),
		parseErr("$time empty", opts(`{"$time":""}`), "Error parsing $time: "),
		parseErr("$set object", opts(`{"$set":{}}`), "Error parsing $set: "),
		parseErr("$set of objects", opts(`{"$set":[{"a":1}]}`), "Error parsing $set: "),
		parseErr("$set string", opts(`{"$set":"x"}`), "Error parsing $set: "),
		parseErr("$type date invalid day", opts(`{"$type":"date","$value":"2024-02-30"}`), "Error parsing $type: "),
		parseErr("$type date number", opts(`{"$type":"date","$value":5}`), "Error parsing $type: "),
		parseErr("$ipv4_interface bad address", opts(`{"$ipv4_interface":"300.1.1.1/8"}`), "Error parsing $ipv4_interface: "),
		parseErr("$ipv4_interface given IPv6", opts(`{"$ipv4_interface":"::1/64"}`), "Error parsing $ipv4_interface: "),
		parseErr("$ipv6_interface prefix 129", opts(`{"$ipv6_interface":"::1/129"}`), "Error parsing $ipv6_interface: "),
		okResult("$date with another key is an object", opts(`{"$date":1,"x":1}`), setOptionsDefaults),
		okResult("$type with three keys is an object", opts(`{"$type":"date","$value":"2024-01-01","x":1}`), setOptionsDefaults),
		okResult("unknown $ key is an object", opts(`{"$foo":1}`), setOptionsDefaults),
		badParams("$time is not options", opts(`{"$time":"12:30"}`), "options: Input should be a valid dictionary"),
		badParams("$set is not filters", call("api_key.query", `{"$set":[1,2]}`), "filters: Input should be a valid list").authed(),
		badParams("$date is not an id", call("api_key.delete", `{"$date":0}`), "id: Input should be a valid integer").authed(),
		badParams("ISO string is not a datetime", create(`"2030-01-01T00:00:00Z"`), "api_key_create.expires_at: Input should be a valid datetime").authed(),
		badParams("$time is not a datetime", create(`{"$time":"1:2"}`), "api_key_create.expires_at: Input should be a valid datetime").authed(),
		badParams("$set is not a datetime", create(`{"$set":[1]}`), "api_key_create.expires_at: Input should be a valid datetime").authed(),
		badParams("$type date is not a datetime", create(`{"$type":"date","$value":"2030-01-01"}`), "api_key_create.expires_at: Input should be a valid datetime").authed(),
		okResult("$set acts as a list in filters", call("api_key.query", `[["id","in",{"$set":[1,2]}]]`, `{"count":true}`), "2").authed(),
	}
}

// paramCases: wrong types and values in every parameter position of
// several methods (protocol.md 5.4).
func paramCases() []hostileCase {
	update := func(id, upd string) string { return call("api_key.update", id, upd) }
	long := strings.Repeat("x", 1025)
	cases := []hostileCase{
		badParams("update: missing both", call("api_key.update"), "[EINVAL] id: Field required\n[EINVAL] api_key_update: Field required\n"),
		badParams("update: too many", call("api_key.update", "1", "{}", "{}"), ": Too many arguments (expected 2, found 3)"),
		badParams("update: both wrong", update(`"1"`, `[]`), "[EINVAL] id: Input should be a valid integer\n[EINVAL] api_key_update: Input should be a valid dictionary\n"),
		badParams("update: name not a string", update("1", `{"name":5}`), "api_key_update.name: Input should be a valid string"),
		badParams("update: empty name", update("1", `{"name":""}`), "api_key_update.name: String should have at least 1 character"),
		badParams("update: 201-character name", update("1", `{"name":"`+strings.Repeat("n", 201)+`"}`), "api_key_update.name: String should have at most 200 characters"),
		badParams("update: reset not a boolean", update("1", `{"reset":1}`), "api_key_update.reset: Input should be a valid boolean"),
		badParams("update: unknown key", update("1", `{"zzz":1}`), "api_key_update.zzz: Extra inputs are not permitted"),
		badParams("update: unknown id", update("9223372036854775807", `{"name":"n"}`), "[ENOENT] None: ApiKey 9223372036854775807 does not exist"),
		badParams("create: not an object", call("api_key.create", `"key"`), "api_key_create: Input should be a valid dictionary"),
		badParams("create: every field wrong", call("api_key.create", `{"name":["x"],"username":{},"expires_at":true}`),
			"[EINVAL] api_key_create.name: Input should be a valid string\n[EINVAL] api_key_create.username: Input should be a valid string\n[EINVAL] api_key_create.expires_at: Input should be a valid datetime\n"),
		badParams("create: username over 1024", call("api_key.create", `{"name":"x","username":"`+long+`"}`), "api_key_create.username: String should have at most 1024 characters"),
		badParams("delete: unknown negative id", call("api_key.delete", "-1"), "[ENOENT] None: ApiKey -1 does not exist"),
		badParams("get_instance: string id", call("api_key.get_instance", `"1"`), "id: Input should be a valid integer"),
		badParams("subscribe: number", call("core.subscribe", "5"), "event: Input should be a valid string"),
		badParams("subscribe: empty", call("core.subscribe", `""`), "event: String should have at least 1 character"),
		badParams("subscribe: 1025 characters", call("core.subscribe", `"`+long+`"`), "event: String should have at most 1024 characters"),
		badParams("unsubscribe: list", call("core.unsubscribe", "[]"), "id_: Input should be a valid string"),
		badParams("get_methods: service number", call("core.get_methods", "5"), "service: Input should be a valid string"),
		badParams("get_methods: bad target", call("core.get_methods", "null", `"XX"`), "target: Input should be 'WS', 'CLI' or 'REST'"),
		badParams("generate_token: ttl string", call("auth.generate_token", `"600"`), "ttl: Input should be a valid integer"),
		badParams("generate_token: ttl 0", call("auth.generate_token", "0"), "ttl: Input should be greater than or equal to 1"),
		badParams("generate_token: ttl huge", call("auth.generate_token", "99999999999999999999"), "ttl: Input should be a valid integer"),
		badParams("generate_token: attrs list", call("auth.generate_token", "60", "[]"), "attrs: Input should be a valid dictionary"),
		badParams("generate_token: flags", call("auth.generate_token", "60", "{}", "0", `"no"`),
			"[EINVAL] match_origin: Input should be a valid boolean\n[EINVAL] single_use: Input should be a valid boolean\n"),
		badParams("user.create: wrong types", call("user.create", `{"username":5,"full_name":[],"uid":-1,"groups":"x"}`), "user_create.username: Input should be a valid string"),
		badParams("user.delete: both wrong", call("user.delete", `"1"`, `{"delete_group":"yes"}`),
			"[EINVAL] id: Input should be a valid integer\n[EINVAL] options.delete_group: Input should be a valid boolean\n"),
		badParams("user.update: list", call("user.update", "1", "[]"), "user_update: Input should be a valid dictionary"),
		badParams("user.get_instance: null", call("user.get_instance", "null"), "id: Input should be a valid integer"),
		badParams("group.get_instance: float", call("group.get_instance", "1.5"), "id: Input should be a valid integer"),
		badParams("privilege.create: wrong types", call("privilege.create", `{"name":5,"local_groups":"x","roles":[1],"web_shell":null}`),
			"privilege_create.name: Input should be a valid string"),
		badParams("privilege.update: id true", call("privilege.update", "true", "{}"), "id: Input should be a valid integer"),
		badParams("terminate_session: number", call("auth.terminate_session", "5"), "id: Input should be a valid string"),
		badParams("audit.query: not an object", call("audit.query", `"x"`), "data: Input should be a valid dictionary"),
		badParams("audit.query: filters object", call("audit.query", `{"query-filters":{}}`), "data.query-filters: Input should be a valid list"),
		badParams("audit.query: negative limit", call("audit.query", `{"query-options":{"limit":-1}}`), "data.query-options.limit: Input should be greater than or equal to 0"),
		badParams("audit.query: bad service", call("audit.query", `{"services":["NOPE"]}`), "data.services.0: Input should be"),
	}
	for i := range cases {
		cases[i].auth = true
	}
	// Login calls work before login: their parameters are checked there.
	login := func(v string) string { return call("auth.login_ex", v) }
	return append(cases,
		badParams("login_ex: string", login(`"x"`), "login_data: Input should be a valid dictionary"),
		badParams("login_ex: no mechanism", login(`{}`), "login_data.mechanism: Field required"),
		badParams("login_ex: number mechanism", login(`{"mechanism":5}`), "login_data: Input tag '5' found using 'mechanism' does not match any of the expected tags"),
		badParams("login_ex: null mechanism", login(`{"mechanism":null}`), "login_data: Input tag 'None' found using 'mechanism'"),
		badParams("login_ex: username number", login(`{"mechanism":"PASSWORD_PLAIN","username":5,"password":"p"}`), "login_data.PASSWORD_PLAIN.username: Input should be a valid string"),
		badParams("login_ex: password over 1024", login(`{"mechanism":"PASSWORD_PLAIN","username":"admin","password":"`+strings.Repeat("p", 1025)+`"}`),
			"login_data.PASSWORD_PLAIN.password: String should have at most 1024 characters").authed(),
		okResult("login_ex: malformed API key", login(`{"mechanism":"API_KEY_PLAIN","username":"admin","api_key":"1-\u0000"}`), `{"response_type":"AUTH_ERR"}`),
		okResult("login_with_api_key: NUL key", call("auth.login_with_api_key", `"\u0000-`+strings.Repeat("a", 64)+`"`), "false"),
		badParams("setup: wrong types before the setup check", call("user.setup_local_administrator", "5", "6", "7"),
			"[EINVAL] username: Input should be a valid string\n[EINVAL] password: Input should be a valid string\n[EINVAL] options: Input should be a valid dictionary\n"),
		callErr("setup: a second time", call("user.setup_local_administrator", `"admin2"`, `"password"`), 17, "[EEXIST] "),
		badParams("set_options: null", call("core.set_options", "null"), "options: Input should be a valid dictionary"),
		callErr("needs login before params", call("api_key.delete", `"x"`, "1", "2"), 207, "[ENOTAUTHENTICATED] Not authenticated"),
		callErr("v25.04.0 ping needs login", ping, 207, "[ENOTAUTHENTICATED] Not authenticated").on("v25.04.0"),
	)
}
