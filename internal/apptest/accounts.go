package apptest

import (
	"fmt"
	"testing"
)

// Admin credentials made by MustSetupAdmin.
const (
	AdminUser     = "admin"
	AdminPassword = "correct horse battery staple"
)

// MustSetupAdmin runs first-run setup and returns a connection logged in
// as the administrator.
func (s *Server) MustSetupAdmin(tb testing.TB) *Client {
	tb.Helper()
	c := MustDial(tb, s.WSURL("current"))
	if r := c.Call("user.setup_local_administrator", AdminUser, AdminPassword); r["error"] != nil {
		tb.Fatalf("setup: %s", String(r))
	}
	c.MustLogin(AdminUser, AdminPassword)
	return c
}

// MustLogin logs in with a password and fails the test unless it succeeds.
func (c *Client) MustLogin(user, pass string) map[string]any {
	c.tb.Helper()
	r := c.Login(user, pass)
	if r["response_type"] != "SUCCESS" {
		c.tb.Fatalf("login %s: %s", user, String(r))
	}
	return r
}

// Login sends a PASSWORD_PLAIN auth.login_ex and returns its result.
func (c *Client) Login(user, pass string) map[string]any {
	c.tb.Helper()
	r, _ := c.MustResult("auth.login_ex", map[string]any{
		"mechanism": "PASSWORD_PLAIN", "username": user, "password": pass,
	}).(map[string]any)
	return r
}

// MustUserWithRoles creates a user in a new group and a privilege giving
// that group the roles; it returns the user's id. The admin connection
// must have FULL_ADMIN.
func MustUserWithRoles(tb testing.TB, admin *Client, username, password string, roles ...string) int64 {
	tb.Helper()
	u, ok := admin.MustResult("user.create", map[string]any{
		"username": username, "full_name": "Test " + username, "password": password, "group_create": true,
	}).(map[string]any)
	if !ok {
		tb.Fatalf("user.create %s failed", username)
	}
	gid := u["group"].(map[string]any)["bsdgrp_gid"]
	rs := make([]any, len(roles))
	for i, r := range roles {
		rs[i] = r
	}
	admin.MustResult("privilege.create", map[string]any{
		"name": fmt.Sprintf("priv-%s", username), "local_groups": []any{gid}, "roles": rs, "web_shell": false,
	})
	id, _ := Int(u["id"])
	return id
}
