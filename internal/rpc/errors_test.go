package rpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// TestErrorTable: the one table from errors to the wire (protocol.md
// 5.1-5.3 and 6), as rpc.ErrorObject and rpc.Outcome read it.
func TestErrorTable(t *testing.T) {
	t.Parallel()
	callErr := func(errno int, name, reason string) string {
		return fmt.Sprintf(`{"code":-32001,"data":{"errname":%q,"error":%d,"extra":null,"reason":%q,"trace":null},"message":"Method call error"}`,
			name, errno, reason)
	}
	invalid := &keyward.ValidationError{}
	invalid.Add("data.name", "Field required")
	invalid.Add("data.owner", "User exists", keyward.EEXIST)
	cases := []struct {
		name    string
		err     error
		want    string
		outcome string
	}{
		{"NotAuthenticated", keyward.ErrNotAuthenticated,
			callErr(207, "ENOTAUTHENTICATED", "[ENOTAUTHENTICATED] Not authenticated"), "ENOTAUTHENTICATED"},
		{"NotAuthorized", keyward.ErrNotAuthorized, callErr(13, "EACCES", "[EACCES] Not authorized"), "EACCES"},
		{"RateLimited", keyward.ErrRateLimited, callErr(16, "EBUSY", "[EBUSY] Rate Limit Exceeded"), "EBUSY"},
		{"MatchNotFoundHasNoPrefix", keyward.ErrMatchNotFound, callErr(22, "EINVAL", "MatchNotFound()"), "EINVAL"},
		{"NoMethod", keyward.Errorf(keyward.ENOMETHOD, "Method 'x' not found in 'y'"),
			callErr(201, "ENOMETHOD", "[ENOMETHOD] Method 'x' not found in 'y'"), "ENOMETHOD"},
		{"Exists", keyward.Errorf(keyward.EEXIST, "Local administrator is already set up"),
			callErr(17, "EEXIST", "[EEXIST] Local administrator is already set up"), "EEXIST"},
		{"UnknownErrno", keyward.Errorf(keyward.Errno(999), "odd"), callErr(999, "EUNKNOWN", "[EUNKNOWN] odd"), "EUNKNOWN"},
		{"Wrapped", fmt.Errorf("store: %w", keyward.ErrNotAuthorized), callErr(13, "EACCES", "[EACCES] Not authorized"), "EACCES"},
		{"Validation", invalid,
			`{"code":-32602,"data":{"errname":"EINVAL","error":22,"extra":[["data.name","Field required",22],["data.owner","User exists",17]],` +
				`"reason":"[EINVAL] data.name: Field required\n[EEXIST] data.owner: User exists\n","trace":null},"message":"Invalid params"}`, "-32602"},
		{"NotFoundAlone", keyward.NotFound("ApiKey", 7),
			`{"code":-32602,"data":{"errname":"EINVAL","error":22,"extra":[[null,"ApiKey 7 does not exist",2]],` +
				`"reason":"[ENOENT] None: ApiKey 7 does not exist","trace":null},"message":"Invalid params"}`, "-32602"},
		{"WrappedValidation", fmt.Errorf("decode: %w", keyward.Invalid("id", "Input should be a valid integer")),
			`{"code":-32602,"data":{"errname":"EINVAL","error":22,"extra":[["id","Input should be a valid integer",22]],` +
				`"reason":"[EINVAL] id: Input should be a valid integer\n","trace":null},"message":"Invalid params"}`, "-32602"},
		{"UnknownIsInternal", errors.New("open /var/lib/keyward.db: permission denied"),
			callErr(14, "EFAULT", "[EFAULT] Internal error"), "EFAULT"},
		{"CanceledIsInternal", context.Canceled, callErr(14, "EFAULT", "[EFAULT] Internal error"), "EFAULT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(rpc.ErrorObject(tc.err))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("ErrorObject\n got %s\nwant %s", got, tc.want)
			}
			if o := rpc.Outcome(tc.err); o != tc.outcome {
				t.Errorf("Outcome = %q, want %q", o, tc.outcome)
			}
		})
	}
	if o := rpc.Outcome(nil); o != rpc.OutcomeOK {
		t.Errorf("Outcome(nil) = %q", o)
	}
}

// TestErrorCodes: the documented codes are exactly those of protocol.md
// 5.1, each once.
func TestErrorCodes(t *testing.T) {
	t.Parallel()
	want := []int{-32700, -32600, -32601, -32602, -32603, -32000, -32001}
	var got []int
	for _, c := range rpc.ErrorCodes {
		if c.Name == "" || c.Message == "" || c.When == "" {
			t.Errorf("code %d is not fully documented: %+v", c.Code, c)
		}
		got = append(got, c.Code)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("codes %v, want %v", got, want)
	}
}

// TestErrorsOnTheWire: handler failures as clients see them. Internal
// failures (an unknown error, a panic, a result that cannot be encoded)
// are answered without their text and logged once with the connection
// and request id; domain errors and cancellations are not logged.
func TestErrorsOnTheWire(t *testing.T) {
	t.Parallel()
	const internal = `{"code":-32001,"message":"Method call error","data":{"errname":"EFAULT","error":14,"extra":null,"reason":"[EFAULT] Internal error","trace":null}}`
	cases := []struct {
		kind, want string
		logged     string // the error text logged once; "" when nothing is
	}{
		{"exists", `{"code":-32001,"message":"Method call error","data":{"errname":"EEXIST","error":17,"extra":null,` +
			`"reason":"[EEXIST] Local administrator is already set up","trace":null}}`, ""},
		{"match", `{"code":-32001,"message":"Method call error","data":{"errname":"EINVAL","error":22,"extra":null,` +
			`"reason":"MatchNotFound()","trace":null}}`, ""},
		{"not-found", `{"code":-32602,"message":"Invalid params","data":{"errname":"EINVAL","error":22,` +
			`"extra":[[null,"ApiKey 7 does not exist",2]],"reason":"[ENOENT] None: ApiKey 7 does not exist","trace":null}}`, ""},
		{"internal", internal, "disk on fire"},
		{"panic", internal, "panic in test.fail: handler bug"},
		{"canceled", internal, ""},
		{"unencodable", `{"code":-32603,"message":"Failed to JSON serialize server message","data":{"errname":"EFAULT","error":14,` +
			`"extra":null,"reason":"[EFAULT] Failed to JSON serialize server message","trace":null}}`, "chan int"},
	}
	f := newFixture(t, rpc.Config{})
	c := f.dial(t)
	for i, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			c.t = t
			before := len(f.logs.find("call failed"))
			id := fmt.Sprint(100 + i)
			c.send(`{"jsonrpc":"2.0","id":` + id + `,"method":"test.fail","params":["` + tc.kind + `"]}`)
			want := `{"jsonrpc":"2.0","error":` + tc.want + `,"id":` + id + `}`
			if got := c.next(); got != want {
				t.Fatalf("\n got %s\nwant %s", got, want)
			}
			logged := f.logs.find("call failed")[before:]
			if tc.logged == "" {
				if len(logged) != 0 {
					t.Fatalf("logged %v", logged)
				}
				return
			}
			if len(logged) != 1 {
				t.Fatalf("logged %d times, want once: %v", len(logged), logged)
			}
			r := logged[0]
			if !strings.Contains(r.attrs["error"], tc.logged) || r.attrs["id"] != id || r.attrs["conn"] == "" {
				t.Fatalf("log record %+v, want error containing %q, id %s and the connection", r, tc.logged, id)
			}
		})
	}
	c.t = t
	if got := c.result("test.ping"); got != "pong" {
		t.Fatalf("the connection did not survive: %v", got)
	}
	want := []string{"EEXIST", "EINVAL", "-32602", "EFAULT", "EFAULT", "EFAULT", "-32603"}
	if got := f.obs.calls("test.fail"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("observed outcomes %v, want %v", got, want)
	}
}
