package apptest

import (
	"testing"
)

// MustCreateKey creates a key through api_key.create and returns its id
// and raw key.
func MustCreateKey(tb testing.TB, c *Client, name, username string) (int64, string) {
	tb.Helper()
	e, ok := c.MustResult("api_key.create", map[string]any{"name": name, "username": username}).(map[string]any)
	if !ok {
		tb.Fatalf("api_key.create %s: no entry", name)
	}
	id, _ := Int(e["id"])
	return id, e["key"].(string)
}

// KeyLogin logs in with API_KEY_PLAIN and returns the response type.
func (c *Client) KeyLogin(username, key string) string {
	c.tb.Helper()
	r, _ := c.MustResult("auth.login_ex", map[string]any{"mechanism": "API_KEY_PLAIN", "username": username,
		"api_key": key}).(map[string]any)
	s, _ := r["response_type"].(string)
	return s
}

// WrongSecret returns raw with its last character changed: the same key id
// with a secret that is surely wrong.
func WrongSecret(raw string) string {
	last := raw[len(raw)-1]
	swap := byte('0')
	if last == '0' {
		swap = '1'
	}
	return raw[:len(raw)-1] + string(swap)
}
