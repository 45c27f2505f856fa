package acceptance_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// authCases run on connections logged in as the administrator.
var authCases = []protoCase{
	{name: "authenticated 70000-character request", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","params":["` + strings.Repeat("a", 70000) + `"]}`,
		close: websocket.StatusMessageTooBig, reason: "Max message length is 64 kB"},
	{name: "authenticated 70000 characters of invalid JSON", send: `{"x":` + strings.Repeat("1", 70000), wantPrefix: "Invalid JSON: "},
	{name: "authenticated 60000-character request", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping","x":"` + strings.Repeat("a", 60000) + `"}`, want: pong},
	{name: "authenticated batch over 64 kB", send: `[` + strings.Repeat(`1,`, 40000) + `1]`, want: parseError("Batch messages are not supported at this time")},
	{name: "authenticated message over 2 MiB", send: strings.Repeat(" ", 3<<20),
		close: websocket.StatusMessageTooBig, reason: "Max message length is 64 kB"},
	{name: "v25.04.0 ping after login", version: "v25.04.0", send: `{"jsonrpc":"2.0","id":1,"method":"core.ping"}`, want: pong},
	{name: "unsubscribe unknown id", send: `{"jsonrpc":"2.0","id":1,"method":"core.unsubscribe","params":["nope"]}`, want: `{"jsonrpc":"2.0","id":1,"result":null}`},
	{name: "subscribe to jobs", send: `{"jsonrpc":"2.0","id":1,"method":"core.subscribe","params":["core.get_jobs"]}`, anyResult: true},
	{name: "get_jobs is empty", send: `{"jsonrpc":"2.0","id":1,"method":"core.get_jobs"}`, want: `{"jsonrpc":"2.0","id":1,"result":[]}`},
	{name: "get_jobs count", send: `{"jsonrpc":"2.0","id":1,"method":"core.get_jobs","params":[[],{"count":true}]}`, want: `{"jsonrpc":"2.0","id":1,"result":0}`},
	{name: "get_jobs bad limit", send: `{"jsonrpc":"2.0","id":1,"method":"core.get_jobs","params":[[],{"limit":10001}]}`,
		want: invalidParams("[EINVAL] options.limit: Input should be less than or equal to 10000\n", `[["options.limit","Input should be less than or equal to 10000",22]]`)},
	{name: "get_jobs v25.10 refuses extend", send: `{"jsonrpc":"2.0","id":1,"method":"core.get_jobs","params":[[],{"extend":"x"}]}`,
		want: invalidParams("[EINVAL] options.extend: Extra inputs are not permitted\n", `[["options.extend","Extra inputs are not permitted",22]]`)},
	{name: "get_jobs v25.04 accepts extend", version: "v25.04.0", send: `{"jsonrpc":"2.0","id":1,"method":"core.get_jobs","params":[[],{"extend":"x"}]}`,
		want: `{"jsonrpc":"2.0","id":1,"result":[]}`},
	{name: "get_jobs bad filter", send: `{"jsonrpc":"2.0","id":1,"method":"core.get_jobs","params":[[["a","~~",1]]]}`,
		want: invalidParams("[EINVAL] filters: Value error, Invalid operation: ~~\n", `[["filters","Value error, Invalid operation: ~~",22]]`)},
	{name: "system.version", send: `{"jsonrpc":"2.0","id":1,"method":"system.version"}`,
		want: `{"jsonrpc":"2.0","id":1,"result":"Keyward-26.0.0-0.1.0"}`},
}

func TestProtocolAuthenticated(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	for _, tc := range authCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runProtoCase(t, srv, tc, true)
		})
	}
}

var dateRE = regexp.MustCompile(`\{"\$date":(\d+)\}`)

func TestResultDatesAreWholeSeconds(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	c := srv.MustSetupAdmin(t)
	c.Send(`{"jsonrpc":"2.0","id":1,"method":"system.info"}`)
	data, err := c.ReadRaw(apptest.Timeout)
	if err != nil {
		t.Fatal(err)
	}
	m := dateRE.FindSubmatch(data)
	if m == nil || !strings.HasSuffix(string(m[1]), "000") {
		t.Fatalf("system.info datetime not whole seconds: %s", data)
	}
	info := apptest.Decode(t, data)["result"].(map[string]any)
	if _, err := time.LoadLocation(info["timezone"].(string)); err != nil {
		t.Fatalf("timezone %q: %v", info["timezone"], err)
	}
}

func TestTooManyInFlight(t *testing.T) {
	t.Parallel()
	delay := 100 * time.Millisecond
	srv := apptest.MustStart(t, func(c *config.Config) { c.LoginFailDelay = config.Range{Min: delay, Max: delay} })
	c := apptest.MustDial(t, srv.WSURL("current"))
	other := apptest.MustDial(t, srv.WSURL("current"))
	for i := 1; i <= 25; i++ {
		c.Send(`{"jsonrpc":"2.0","id":` + itoa(i) + `,"method":"auth.login_ex","params":[{"mechanism":"PASSWORD_PLAIN","username":"x","password":"y"}]}`)
	}
	c.Send(`{"jsonrpc":"2.0","method":"auth.login_ex","params":[{"mechanism":"PASSWORD_PLAIN","username":"x","password":"y"}]}`)
	// Calls 21-25 are refused at once, before any login answers; login calls
	// run one at a time, so the first 20 answer in order afterwards.
	for i := 21; i <= 25; i++ {
		r := c.Read()
		if r["id"] != json.Number(itoa(i)) || apptest.String(apptest.ErrorOf(r)) != `{"code":-32000,"message":"Maximum number of concurrent calls (20) has exceeded"}` {
			t.Fatalf("call %d: %s", i, apptest.String(r))
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 3 {
			if other.MustResult("core.ping") != "pong" {
				t.Error("ping on another connection")
			}
		}
	})
	for i := 1; i <= 20; i++ {
		r := c.Read()
		if r["id"] != json.Number(itoa(i)) || apptest.String(r["result"]) != `{"response_type":"AUTH_ERR"}` {
			t.Fatalf("answer %d: %s", i, apptest.String(r))
		}
	}
	wg.Wait()
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestRateLimit(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, func(c *config.Config) {
		c.RateLimitCalls, c.RateLimitWindow, c.RateLimitDelay, c.RateLimitExempt = 20, time.Minute, config.Range{}, nil
	})
	srv.MustSetupAdmin(t) // setup itself counts for its own method only
	c := apptest.MustDial(t, srv.WSURL("current"))
	for i := 1; i <= 20; i++ {
		c.MustResult("auth.mechanism_choices")
	}
	r := c.Call("auth.mechanism_choices")
	if apptest.Errno(r) != 16 || apptest.Reason(r) != "[EBUSY] Rate Limit Exceeded" {
		t.Fatalf("21st call: %s", apptest.String(r))
	}
	if got := c.Call("core.set_options", map[string]any{}); got["error"] != nil {
		t.Fatalf("set_options is never limited: %s", apptest.String(got))
	}
	if got := apptest.MustDialFrom(t, srv.WSURL("current"), "127.0.0.2").Call("auth.mechanism_choices"); got["error"] != nil {
		t.Fatalf("another address: %s", apptest.String(got))
	}
	c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	if got := c.Call("auth.mechanism_choices"); got["error"] != nil {
		t.Fatalf("authenticated connection: %s", apptest.String(got))
	}
}
